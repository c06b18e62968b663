// @vitest-environment jsdom
import { ApiError, type Payment } from '@shop/client'
import { cleanup, render, screen } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { RefundForm } from './refund-form.tsx'

const payment = (over: Partial<Payment> = {}): Payment =>
  ({
    id: '44444444-4444-4444-8444-444444444444',
    orderId: '55555555-5555-4555-8555-555555555555',
    userId: '66666666-6666-4666-8666-666666666666',
    status: 'PARTIALLY_REFUNDED',
    amount: 53_000,
    refundedAmount: 10_000,
    method: 'card',
    refunds: [],
    ...over,
  }) as Payment

function setup(p: Payment, onRefund = vi.fn(async (body: { amount?: number }) => ({ ...p, refundedAmount: p.refundedAmount + (body.amount ?? p.amount - p.refundedAmount) }))) {
  render(<RefundForm payment={p} onRefund={onRefund} />)
  return { onRefund, user: userEvent.setup() }
}

afterEach(cleanup)

describe('the refund form', () => {
  it('says how much can still be refunded', () => {
    setup(payment())
    expect(screen.getByText('최대 43,000원까지 환불할 수 있어요. 비워 두면 전액 환불합니다.')).toBeTruthy()
  })

  it('one won more than remains is refused before anything is sent', async () => {
    const { onRefund, user } = setup(payment())
    await user.type(screen.getByRole('textbox', { name: '환불 금액' }), '43001')
    await user.click(screen.getByRole('button', { name: '환불' }))
    expect(onRefund).not.toHaveBeenCalled()
    expect(screen.getByText('환불 가능 금액(43,000원)보다 많이 환불할 수 없어요.')).toBeTruthy()
    expect(screen.getByRole('textbox', { name: '환불 금액' }).getAttribute('aria-invalid')).toBe('true')
  })

  it('zero, decimals and words are refused', async () => {
    const { onRefund, user } = setup(payment())
    for (const bad of ['0', '1000.5', '만원']) {
      await user.clear(screen.getByRole('textbox', { name: '환불 금액' }))
      await user.type(screen.getByRole('textbox', { name: '환불 금액' }), bad)
      await user.click(screen.getByRole('button', { name: '환불' }))
      expect(screen.getByText('환불 금액은 1원 이상의 정수로 입력해 주세요.')).toBeTruthy()
    }
    expect(onRefund).not.toHaveBeenCalled()
  })

  it('exactly what remains is sent as a partial refund of that amount, with the reason', async () => {
    const { onRefund, user } = setup(payment())
    await user.type(screen.getByRole('textbox', { name: '환불 금액' }), '43,000')
    await user.click(screen.getByRole('button', { name: '환불' }))
    expect(onRefund).toHaveBeenCalledWith({ amount: 43_000, reason: '관리자 환불' })
    expect(await screen.findByText('43,000원을 환불했습니다.')).toBeTruthy()
  })

  it('an empty amount refunds all that remains (no amount sent)', async () => {
    const { onRefund, user } = setup(payment({ status: 'COMPLETED', refundedAmount: 0 }))
    await user.click(screen.getByRole('button', { name: '환불' }))
    expect(onRefund).toHaveBeenCalledWith({ reason: '관리자 환불' })
    expect(await screen.findByText('53,000원을 환불했습니다.')).toBeTruthy()
  })

  it("when the API answers 409 (someone refunded meanwhile), it says so in Korean, not the API's English", async () => {
    const onRefund = vi.fn(async () => {
      throw new ApiError({ status: 409, code: 'conflict', title: 'Conflict', detail: 'refund exceeds the remaining amount' })
    })
    const { user } = setup(payment(), onRefund)
    await user.type(screen.getByRole('textbox', { name: '환불 금액' }), '5000')
    await user.click(screen.getByRole('button', { name: '환불' }))
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('환불 가능 금액을 넘었거나 이미 환불된 결제예요.')
    expect(alert.textContent).not.toContain('exceeds')
  })

  it('a fully refunded or failed payment offers no refund', () => {
    setup(payment({ status: 'REFUNDED', refundedAmount: 53_000 }))
    expect(screen.queryByRole('button', { name: '환불' })).toBeNull()
    expect(screen.getByText('환불할 수 있는 금액이 남아 있지 않습니다.')).toBeTruthy()
  })
})
