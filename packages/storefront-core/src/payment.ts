import type { Order, Payment, PaymentMethod, PaymentMethods, ShopClient } from '@shop/client'
import { newIdempotencyKey } from '@shop/client'
import { cardDigits } from './checkout.ts'
import { messageFor, messageForCode } from './errors.ts'
import { ko } from './ko.ts'

/** The methods a shopper picks from, in the order the checkout shows them. */
export const PAYMENT_METHODS: PaymentMethod[] = ['card', 'transfer', 'easy_pay']

/** What the card number field keeps of what is typed: digits, spaces and dashes, 19 characters (16 digits grouped). */
export const cardNumberInput = (typed: string): string => typed.replace(/[^0-9 -]/g, '').slice(0, 19)

/** A simulator test card's outcome in Korean. */
export function testCardName(outcome: string): string {
  if (outcome === 'approved') return ko.checkout.testCardNames.success
  return outcome === 'card_declined' ? ko.checkout.testCardNames.declined : ko.checkout.testCardNames.insufficient
}

/**
 * The payment token for what the shopper chose, or null when it cannot be paid: only the
 * simulator is wired (a real PG's card form is not), and a card must be one of its test cards.
 */
export function paymentToken(methods: PaymentMethods | undefined, method: PaymentMethod, card: string): string | null {
  if (!methods || methods.provider !== 'simulator') return null
  if (method !== 'card') return 'tok_success'
  const digits = cardDigits(card)
  return methods.testCards?.find((c) => c.number === digits)?.paymentToken ?? null
}

/** Why a card number has no token, in Korean: not a card number at all, or not a test card. */
export const cardNumberProblem = (card: string): string => (cardDigits(card) ? ko.checkout.simulatorCardsOnly : ko.validation.cardNumber)

/**
 * One payment attempt's Idempotency-Key, kept until its outcome is known: a retry after a
 * dropped connection or a double click sends the same key, so the PG is charged at most once.
 * A declined attempt's outcome is known, so the next attempt gets a new key.
 */
export function createAttemptKeys() {
  let current: string | null = null
  return {
    key: () => (current ??= newIdempotencyKey()),
    settled: () => {
      current = null
    },
  }
}

export function payOrder(client: ShopClient, order: Pick<Order, 'id' | 'total'>, method: PaymentMethod, paymentToken: string, key: string): Promise<Payment> {
  return client.payments.pay({ orderId: order.id, amount: order.total, method, paymentToken }, key)
}

/** What the form holds when the shopper asks to pay. */
export interface PayRequest {
  client: ShopClient
  methods: PaymentMethods | undefined
  method: PaymentMethod
  card: string
  /** Places the order (once) or gives the one placed; null when it could not (it says why itself). */
  prepare: () => Promise<Pick<Order, 'id' | 'total'> | null>
  /** Checks the rest of the checkout form (the address) and shows its errors; false stops the payment. */
  beforeSubmit?: () => boolean
}

/** How the form shows what happens; each app renders these its own way. */
export interface PayView {
  setFailure: (message: string | undefined) => void
  setCardError: (message: string | undefined) => void
  setPending: (pending: boolean) => void
  onPaid: (payment: Payment) => void
}

/**
 * The payments of one checkout form: one attempt at a time, each keeping its Idempotency-Key
 * until its outcome is known. A declined card says why in Korean and leaves the order payable.
 */
export function createPayer() {
  const keys = createAttemptKeys()
  let inFlight = false
  return {
    async submit(req: PayRequest, view: PayView): Promise<void> {
      // a second click or tap while the first is on its way does nothing (its key would be the same anyway)
      if (inFlight) return
      view.setFailure(undefined)
      const addressOk = req.beforeSubmit ? req.beforeSubmit() : true
      const token = paymentToken(req.methods, req.method, req.card)
      if (req.method === 'card' && !token) {
        view.setCardError(cardNumberProblem(req.card))
        return
      }
      view.setCardError(undefined)
      if (!addressOk || !token) return
      inFlight = true
      view.setPending(true)
      try {
        const order = await req.prepare()
        if (!order) return
        const payment = await payOrder(req.client, order, req.method, token, keys.key())
        keys.settled()
        if (payment.status === 'FAILED') view.setFailure(messageForCode(payment.failureCode ?? undefined))
        else view.onPaid(payment)
      } catch (err) {
        // an answer we did not get keeps its key: paying again asks for the same charge, never a second
        const code = (err as { code?: string }).code
        if (code !== 'network' && code !== 'upstream_unavailable') keys.settled()
        view.setFailure(messageFor(err, 'pay'))
      } finally {
        inFlight = false
        view.setPending(false)
      }
    },
  }
}
