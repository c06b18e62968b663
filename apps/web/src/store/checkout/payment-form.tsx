import { groupCard } from '@shop/storefront-core/checkout'
import { messageFor } from '@shop/storefront-core/errors'
import { formatWon } from '@shop/storefront-core/format'
import { ko } from '@shop/storefront-core/ko'
import { PAYMENT_METHODS, testCardName } from '@shop/storefront-core/payment'
import { type PaymentFormProps, usePaymentForm } from '@shop/storefront-core/use-payment-form'
import { type FormEvent, useId } from 'react'
import { useShop } from '../../api/shop.tsx'
import { Button, ErrorNote, Field, Notice } from '../../ui/primitives.tsx'

/**
 * Payment method, card number and the pay button. `prepare` runs first (the checkout places
 * the order there, once); a declined card leaves the order payable and the form ready again.
 */
export function PaymentForm(props: PaymentFormProps) {
  const { methods, simulator, method, setMethod, card, typeCard, cardError, failure, pending, submit } = usePaymentForm(useShop(), props)
  const groupId = useId()

  function onSubmit(e: FormEvent) {
    e.preventDefault()
    void submit()
  }

  if (methods.isError) return <ErrorNote message={messageFor(methods.error)} onRetry={() => methods.refetch()} />
  return (
    <form className="payment-form" onSubmit={onSubmit} noValidate>
      <fieldset className="methods">
        <legend id={groupId}>{ko.checkout.method}</legend>
        <div className="method-options">
          {PAYMENT_METHODS.map((m) => (
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
            onChange={(e) => typeCard(e.target.value)}
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
                    <button type="button" className="linklike" onClick={() => typeCard(groupCard(c.number))}>
                      <span className="mono">{groupCard(c.number)}</span>
                    </button>{' '}
                    <span className="muted">{testCardName(c.outcome)}</span>
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
        {ko.checkout.pay(formatWon(props.amount))}
      </Button>
    </form>
  )
}
