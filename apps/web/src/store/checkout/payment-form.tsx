import type { Order, Payment, PaymentMethod } from '@shop/client'
import { useQuery } from '@tanstack/react-query'
import { type FormEvent, useId, useRef, useState } from 'react'
import { useShop } from '../../api/shop.tsx'
import { messageFor, messageForCode } from '../../i18n/errors.ts'
import { ko } from '../../i18n/ko.ts'
import { formatWon } from '../../ui/format.ts'
import { Button, ErrorNote, Field, Notice } from '../../ui/primitives.tsx'
import { createAttemptKeys, payOrder, paymentMethodsQuery } from './api.ts'
import { cardDigits, groupCard } from './validate.ts'

const METHODS: PaymentMethod[] = ['card', 'transfer', 'easy_pay']

/**
 * Payment method, card number and the pay button. `prepare` runs first (the checkout places
 * the order there, once); a declined card leaves the order payable and the form ready again.
 */
export function PaymentForm({
  amount,
  prepare,
  onPaid,
  beforeSubmit,
}: {
  amount: number
  prepare: () => Promise<Pick<Order, 'id' | 'total'> | null>
  onPaid: (payment: Payment) => void
  beforeSubmit?: () => boolean
}) {
  const client = useShop()
  const methods = useQuery(paymentMethodsQuery(client))
  const [method, setMethod] = useState<PaymentMethod>('card')
  const [card, setCard] = useState('')
  const [cardError, setCardError] = useState<string>()
  const [failure, setFailure] = useState<string>()
  const [pending, setPending] = useState(false)
  const keys = useRef(createAttemptKeys()).current
  const inFlight = useRef(false)
  const groupId = useId()
  const simulator = methods.data?.provider === 'simulator'

  function tokenFor(): string | null {
    if (!methods.data) return null
    if (!simulator) return null
    if (method !== 'card') return 'tok_success'
    const digits = cardDigits(card)
    const test = methods.data.testCards?.find((c) => c.number === digits)
    return test?.paymentToken ?? null
  }

  async function submit(e: FormEvent) {
    e.preventDefault()
    // a second click while the first is on its way does nothing (and its key would be the same anyway)
    if (inFlight.current) return
    setFailure(undefined)
    const okAddress = beforeSubmit ? beforeSubmit() : true
    const token = tokenFor()
    if (method === 'card' && !token) {
      setCardError(cardDigits(card) ? '시뮬레이터에서는 아래 테스트 카드만 쓸 수 있어요.' : ko.validation.cardNumber)
      return
    }
    setCardError(undefined)
    if (!okAddress || !token) return
    inFlight.current = true
    setPending(true)
    try {
      const order = await prepare()
      if (!order) return
      const payment = await payOrder(client, order, method, token, keys.key())
      keys.settled()
      if (payment.status === 'FAILED') setFailure(messageForCode(payment.failureCode ?? undefined))
      else onPaid(payment)
    } catch (err) {
      // an answer we did not get keeps its key: paying again asks the same charge, never a second
      if ((err as { code?: string }).code !== 'network' && (err as { code?: string }).code !== 'upstream_unavailable') keys.settled()
      setFailure(messageFor(err, 'pay'))
    } finally {
      inFlight.current = false
      setPending(false)
    }
  }

  if (methods.isError) return <ErrorNote message={messageFor(methods.error)} onRetry={() => methods.refetch()} />
  return (
    <form className="payment-form" onSubmit={submit} noValidate>
      <fieldset className="methods">
        <legend id={groupId}>{ko.checkout.method}</legend>
        <div className="method-options">
          {METHODS.map((m) => (
            <label key={m} className={`method-option${method === m ? ' is-selected' : ''}`}>
              <input type="radio" name="method" value={m} checked={method === m} onChange={() => setMethod(m)} />
              {ko.checkout.methods[m]}
            </label>
          ))}
        </div>
      </fieldset>
      {methods.data && !simulator && (
        <Notice tone="warning">이 화면은 결제 시뮬레이터 전용이에요. 실제 결제사({methods.data.provider}) 결제창 연동은 아직 없어 결제할 수 없습니다.</Notice>
      )}
      {method === 'card' && (
        <>
          <Field
            label={ko.checkout.cardNumber}
            value={card}
            onChange={(e) => setCard(e.target.value.replace(/[^0-9 -]/g, '').slice(0, 19))}
            inputMode="numeric"
            autoComplete="cc-number"
            placeholder="0000 0000 0000 0000"
            error={cardError}
          />
          {simulator && methods.data?.testCards && (
            <div className="test-cards">
              <p className="field-hint">{ko.checkout.simulatorNote}</p>
              <p className="test-cards-title">{ko.checkout.testCards}</p>
              <ul>
                {methods.data.testCards.map((c) => (
                  <li key={c.number}>
                    <button type="button" className="linklike" onClick={() => setCard(groupCard(c.number))}>
                      <span className="mono">{groupCard(c.number)}</span>
                    </button>{' '}
                    <span className="muted">
                      {c.outcome === 'approved' ? ko.checkout.testCardNames.success : c.outcome === 'card_declined' ? ko.checkout.testCardNames.declined : ko.checkout.testCardNames.insufficient}
                    </span>
                  </li>
                ))}
              </ul>
            </div>
          )}
        </>
      )}
      {method !== 'card' && simulator && <p className="field-hint">{ko.checkout.simulatorNote}</p>}
      {failure && (
        <div className="notice notice-error" role="alert">
          <p>{failure}</p>
        </div>
      )}
      <Button type="submit" className="block pay-button" pending={pending} pendingLabel={ko.checkout.paying} disabled={!methods.data || !simulator}>
        {ko.checkout.pay(formatWon(amount))}
      </Button>
    </form>
  )
}
