import type { Payment } from '@shop/client'
import { formatWon } from '@shop/storefront-core/format'
import { adminKo } from '../ko.ts'

const e = adminKo.refund.errors

/** What is left to refund of a payment (nothing unless it was captured). */
export function refundable(p: Pick<Payment, 'status' | 'amount' | 'refundedAmount'>): number {
  if (p.status !== 'COMPLETED' && p.status !== 'PARTIALLY_REFUNDED') return 0
  return Math.max(0, p.amount - p.refundedAmount)
}

/**
 * The amount to send: undefined for "all that remains" (an empty field), or a whole number of
 * won between 1 and what remains; otherwise the Korean reason it cannot be sent.
 */
export function checkRefund(raw: string, remaining: number): { ok: true; amount: number | undefined } | { ok: false; error: string } {
  const s = raw.replace(/[,\s원]/g, '')
  if (!s) return { ok: true, amount: undefined }
  if (!/^\d+$/.test(s) || Number(s) < 1) return { ok: false, error: e.integer }
  const amount = Number(s)
  if (amount > remaining) return { ok: false, error: e.tooMuch(formatWon(remaining)) }
  return { ok: true, amount }
}
