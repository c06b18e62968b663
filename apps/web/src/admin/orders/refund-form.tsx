import type { Payment } from '@shop/client'
import { isApiError } from '@shop/client'
import { type FormEvent, useState } from 'react'
import { messageFor } from '@shop/storefront-core/errors'
import { formatWon } from '@shop/storefront-core/format'
import { Button, ErrorNote, Field, Notice } from '../../ui/primitives.tsx'
import { adminKo } from '../ko.ts'
import { checkRefund, refundable } from './refund.ts'

const t = adminKo.refund

type Props = {
  payment: Payment
  onRefund: (body: { amount?: number; reason: string }) => Promise<Payment>
}

/** Full (field left empty) or partial refund; never more than remains, and the API's 409 said in Korean. */
export function RefundForm({ payment, onRefund }: Props) {
  const remaining = refundable(payment)
  const [amount, setAmount] = useState('')
  const [reason, setReason] = useState(t.defaultReason)
  const [error, setError] = useState<string | null>(null)
  const [reasonError, setReasonError] = useState<string | null>(null)
  const [failure, setFailure] = useState<string | null>(null)
  const [done, setDone] = useState<string | null>(null)
  const [pending, setPending] = useState(false)

  if (remaining === 0) return <p className="muted">{t.nothingLeft}</p>

  async function submit(e: FormEvent) {
    e.preventDefault()
    setDone(null)
    setFailure(null)
    const checked = checkRefund(amount, remaining)
    setError(checked.ok ? null : checked.error)
    setReasonError(reason.trim() ? null : t.errors.reason)
    if (!checked.ok || !reason.trim()) return
    setPending(true)
    try {
      const after = await onRefund({ ...(checked.amount === undefined ? {} : { amount: checked.amount }), reason: reason.trim() })
      setDone(t.done(formatWon(after.refundedAmount - payment.refundedAmount)))
      setAmount('')
    } catch (err) {
      setFailure(isApiError(err, 'conflict') || isApiError(err, 'invalid_state') ? t.conflict : messageFor(err))
    } finally {
      setPending(false)
    }
  }

  return (
    <form onSubmit={submit} noValidate className="admin-refund">
      <Field
        label={t.amount}
        value={amount}
        onChange={(e) => setAmount(e.target.value)}
        inputMode="numeric"
        hint={t.amountHint(formatWon(remaining))}
        error={error ?? undefined}
        placeholder={String(remaining)}
      />
      <Field label={t.reason} value={reason} onChange={(e) => setReason(e.target.value)} error={reasonError ?? undefined} maxLength={200} />
      {failure && <ErrorNote message={failure} />}
      {done && <Notice tone="success">{done}</Notice>}
      <Button type="submit" variant="danger" pending={pending} pendingLabel={adminKo.common.working}>
        {t.submit}
      </Button>
    </form>
  )
}
