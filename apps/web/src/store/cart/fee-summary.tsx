import type { Quote } from '@shop/client'
import { ko } from '@shop/storefront-core/ko'
import { formatWon } from '@shop/storefront-core/format'
import { Money } from '../../ui/primitives.tsx'

const SURCHARGE_NAMES: Record<string, string> = { jeju: '제주 추가 배송비', remote_island: '도서산간 추가 배송비' }

/** Subtotal, the fee with its surcharges, how far free shipping is, and the total. */
export function FeeSummary({ subtotal, quote, basis, pending }: { subtotal: number; quote?: Quote; basis: string; pending?: boolean }) {
  const surcharges = quote?.breakdown.filter((l) => l.kind !== 'base' && l.kind !== 'free_shipping') ?? []
  const toFree = quote?.freeFrom !== undefined ? quote.freeFrom - subtotal : undefined
  return (
    <div aria-busy={pending || undefined}>
    <dl className="summary">
      <div>
        <dt>{ko.cart.subtotal}</dt>
        <dd>
          <Money amount={subtotal} />
        </dd>
      </div>
      <div>
        <dt>{ko.cart.shippingFee}</dt>
        <dd>{quote ? quote.fee === 0 ? ko.cart.free : <Money amount={quote.fee} /> : '—'}</dd>
      </div>
      {surcharges.map((s) => (
        <div key={s.kind} className="summary-sub">
          <dt>{SURCHARGE_NAMES[s.kind] ?? s.kind}</dt>
          <dd>
            <Money amount={s.amount} />
          </dd>
        </div>
      ))}
    </dl>
      <p className="summary-note">
        {basis}
        {quote?.freeFrom !== undefined && (
          <>
            {' · '}
            {toFree !== undefined && toFree > 0 ? ko.cart.toFree(formatWon(toFree)) : ko.cart.freeFrom(formatWon(quote.freeFrom))}
          </>
        )}
      </p>
      <dl className="summary">
        <div className="summary-total">
          <dt>{ko.cart.total}</dt>
          <dd>{quote ? <Money amount={subtotal + quote.fee} /> : '—'}</dd>
        </div>
      </dl>
    </div>
  )
}
