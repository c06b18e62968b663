import type { Quote } from '@shop/client'
import { ko } from '@shop/storefront-core/ko'
import { formatWon } from '@shop/storefront-core/format'
import { Body, Money, Panel, Row } from '../ui/kit.tsx'

const SURCHARGE_NAMES: Record<string, string> = { jeju: '제주 추가 배송비', remote_island: '도서산간 추가 배송비' }

/** Subtotal, the fee with its Jeju / remote-island surcharges, how far free shipping is, and the total. */
export function FeeSummary({ subtotal, quote, basis }: { subtotal: number; quote?: Quote; basis: string }) {
  const surcharges = quote?.breakdown.filter((l) => l.kind !== 'base' && l.kind !== 'free_shipping') ?? []
  const toFree = quote?.freeFrom !== undefined ? quote.freeFrom - subtotal : undefined
  return (
    <Panel>
      <Row>
        <Body>{ko.cart.subtotal}</Body>
        <Money amount={subtotal} />
      </Row>
      <Row>
        <Body>{ko.cart.shippingFee}</Body>
        {quote ? quote.fee === 0 ? <Body>{ko.cart.free}</Body> : <Money amount={quote.fee} /> : <Body>—</Body>}
      </Row>
      {surcharges.map((s) => (
        <Row key={s.kind}>
          <Body muted>{SURCHARGE_NAMES[s.kind] ?? s.kind}</Body>
          <Money amount={s.amount} />
        </Row>
      ))}
      <Body muted>
        {basis}
        {quote?.freeFrom !== undefined ? ` · ${toFree !== undefined && toFree > 0 ? ko.cart.toFree(formatWon(toFree)) : ko.cart.freeFrom(formatWon(quote.freeFrom))}` : ''}
      </Body>
      <Row>
        <Body>{ko.cart.total}</Body>
        {quote ? <Money amount={subtotal + quote.fee} strong /> : <Body>—</Body>}
      </Row>
    </Panel>
  )
}
