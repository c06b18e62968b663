import type { Order, Payment, PaymentMethod, ShopClient } from '@shop/client'
import { queryOptions, useQuery } from '@tanstack/react-query'
import { useRef, useState } from 'react'
import { cardNumberInput, createPayer } from './payment.ts'

export const paymentMethodsQuery = (client: ShopClient) =>
  queryOptions({ queryKey: ['payment-methods'], queryFn: () => client.payments.methods(), staleTime: 10 * 60_000 })

/** What the checkout gives its payment form, on the web and in the app. */
export interface PaymentFormProps {
  amount: number
  /** Runs first: the checkout places the order there, once; null when it could not (it says why itself). */
  prepare: () => Promise<Pick<Order, 'id' | 'total'> | null>
  onPaid: (payment: Payment) => void
  /** Checks the rest of the checkout form (the address) and shows its errors; false stops the payment. */
  beforeSubmit?: () => boolean
}

/**
 * The payment form's state and its one action, whatever draws it (React DOM on the web, React
 * Native in the app): the methods the shop offers, the chosen method and card, what went
 * wrong, and `submit`, which pays with at most one attempt in flight (createPayer).
 */
export function usePaymentForm(client: ShopClient, { prepare, onPaid, beforeSubmit }: PaymentFormProps) {
  const methods = useQuery(paymentMethodsQuery(client))
  const [method, setMethod] = useState<PaymentMethod>('card')
  const [card, setCard] = useState('')
  const [cardError, setCardError] = useState<string>()
  const [failure, setFailure] = useState<string>()
  const [pending, setPending] = useState(false)
  const payer = useRef(createPayer()).current
  return {
    methods,
    simulator: methods.data?.provider === 'simulator',
    method,
    setMethod,
    card,
    /** Takes the field's text as typed; keeps what a card number can hold. */
    typeCard: (typed: string) => setCard(cardNumberInput(typed)),
    cardError,
    failure,
    pending,
    submit: () => payer.submit({ client, methods: methods.data, method, card, prepare, beforeSubmit }, { setFailure, setCardError, setPending, onPaid }),
  }
}
