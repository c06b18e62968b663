import type { Payment } from '@shop/contracts/payment'
import { type AuthUser, isAdmin } from '@shop/platform/auth'
import type { Payments } from '../context.ts'
import { findPayment } from '../data/payment.repository.ts'
import { PaymentNotFound } from '../payment.errors.ts'
import { loadPaymentView } from './payment-view.ts'

/** GET /payments/:id: the owner or an admin; anyone else gets 404, as if it did not exist. */
export async function getPayment(p: Payments, user: AuthUser, id: string): Promise<Payment> {
  const payment = await findPayment(p.pool, id)
  if (!payment || (payment.userId !== user.id && !isAdmin(user))) throw new PaymentNotFound()
  return loadPaymentView(p.pool, payment)
}
