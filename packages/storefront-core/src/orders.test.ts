import { ApiError, type Order, type ShopClient } from '@shop/client'
import { QueryClient } from '@tanstack/react-query'
import { describe, expect, it } from 'vitest'
import { cancelOrder } from './orders.ts'

const order = (status: string) => ({ id: 'o1', status }) as unknown as Order

function setUp(answer: Order | Error) {
  const calls: unknown[][] = []
  const client = {
    orders: {
      cancel: async (...args: unknown[]) => {
        calls.push(args)
        if (answer instanceof Error) throw answer
        return answer
      },
    },
  } as unknown as ShopClient
  const qc = new QueryClient()
  qc.setQueryData(['order', 'o1'], order('PAID'))
  qc.setQueryData(['orders', { page: 1 }], { items: [order('PAID')] })
  return { client, qc, calls }
}

describe('cancelOrder', () => {
  it("asks as the customer, keeps the service's answer as the order and reads the lists again", async () => {
    const { client, qc, calls } = setUp(order('CANCELLED'))
    await cancelOrder(client, qc, 'o1')
    expect(calls).toEqual([['o1', 'customer_request']])
    expect(qc.getQueryData<Order>(['order', 'o1'])?.status).toBe('CANCELLED')
    expect(qc.getQueryState(['orders', { page: 1 }])?.isInvalidated).toBe(true)
    expect(qc.getQueryState(['order', 'o1'])?.isInvalidated).toBe(false)
  })

  it('on a refusal keeps the order as it was, marks it to be read again and rethrows the refusal', async () => {
    const refusal = new ApiError({ status: 409, code: 'order_not_cancellable', title: 'Conflict', detail: 'shipped' })
    const { client, qc } = setUp(refusal)
    await expect(cancelOrder(client, qc, 'o1')).rejects.toBe(refusal)
    expect(qc.getQueryData<Order>(['order', 'o1'])?.status).toBe('PAID')
    expect(qc.getQueryState(['order', 'o1'])?.isInvalidated).toBe(true)
    expect(qc.getQueryState(['orders', { page: 1 }])?.isInvalidated).toBe(false)
  })
})
