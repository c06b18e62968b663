import { randomUUID } from 'node:crypto'
import { createFieldCipher, generateKeyringSpec } from '@shop/platform/crypto'
import { handleOnce } from '@shop/platform/inbox'
import { eventually } from '@shop/platform/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { onOrderCreated } from '../src/events/order-created.handler.ts'
import { onOrderCancelled } from '../src/events/order-cancelled.handler.ts'
import { onPaymentCompleted, onPaymentCompletedStatement } from '../src/events/payment-completed.handler.ts'
import { OrderNotYetKnown, UnreadableAddress } from '../src/shipping.errors.ts'
import { ADDRESS, createHarness, type Harness, orderCancelled, orderCreated, paidOrder, paymentCompleted } from './helpers.ts'

let h: Harness
beforeAll(async () => {
  h = await createHarness()
})
afterAll(() => h?.close())

const shipmentsOf = async (orderId: string) =>
  (await h.db.pool.query('SELECT * FROM shipments WHERE order_id = $1', [orderId])).rows
const eventsOf = async (shipmentId: string) =>
  (await h.db.pool.query<{ status: string }>('SELECT status FROM shipment_events WHERE shipment_id = $1 ORDER BY id', [shipmentId])).rows.map(
    (r) => r.status,
  )

describe('order.created then payment.completed', () => {
  it('creates one READY shipment with the address encrypted in the database', async () => {
    const { orderId, userId, shipmentId } = await paidOrder(h)
    const [row] = await shipmentsOf(orderId)
    expect(row).toMatchObject({ id: shipmentId, user_id: userId, status: 'READY', fee: 3000, carrier: null, tracking_number: null })
    expect(await eventsOf(shipmentId)).toEqual(['READY'])

    const dump = JSON.stringify([
      row,
      (await h.db.pool.query('SELECT * FROM order_snapshots WHERE order_id = $1', [orderId])).rows,
    ])
    for (const secret of [ADDRESS.recipient, ADDRESS.phone, '01012345678', ADDRESS.address1, '테헤란로', ADDRESS.address2 as string]) {
      expect(dump).not.toContain(secret)
    }
    expect(row.address_enc).toMatch(/^v1\./)

    const res = await h.app.inject({ url: `/shipments/${orderId}`, headers: await h.auth(userId) })
    expect(res.statusCode).toBe(200)
    expect(res.json().recipient).toEqual({
      name: ADDRESS.recipient,
      phone: ADDRESS.phone,
      postalCode: ADDRESS.postalCode,
      address1: ADDRESS.address1,
      address2: ADDRESS.address2,
    })
  })

  it('keeps the fee and recipient the order carried', async () => {
    const orderId = randomUUID()
    const userId = randomUUID()
    await h.bus.publish(orderCreated(h.shipping.cipher, { orderId, userId, address: { ...ADDRESS, recipient: '김철수' }, fee: 6000 }))
    await h.bus.idle()
    await h.bus.publish(paymentCompleted({ orderId, userId }))
    await h.bus.idle()
    const res = await h.app.inject({ url: `/shipments/${orderId}`, headers: await h.auth(userId) })
    expect(res.json()).toMatchObject({ status: 'READY', fee: 6000, recipient: { name: '김철수' } })
  })

  it('creates one shipment when payment.completed is delivered again, with the same or another event id', async () => {
    const orderId = randomUUID()
    const userId = randomUUID()
    await h.bus.publish(orderCreated(h.shipping.cipher, { orderId, userId }))
    await h.bus.idle()
    const payment = paymentCompleted({ orderId, userId })
    await h.bus.publish(payment)
    await h.bus.idle()
    await h.bus.publish(payment)
    await h.bus.idle()
    await h.bus.publish(paymentCompleted({ orderId, userId }))
    await h.bus.idle()
    const rows = await shipmentsOf(orderId)
    expect(rows).toHaveLength(1)
    expect(await eventsOf(rows[0].id)).toEqual(['READY'])
    expect(h.bus.deadLetters('shipping')).toEqual([])
  })

  it('creates one shipment when duplicates arrive at the same moment', async () => {
    const orderId = randomUUID()
    const userId = randomUUID()
    await h.bus.publish(orderCreated(h.shipping.cipher, { orderId, userId }))
    await h.bus.idle()
    const payment = paymentCompleted({ orderId, userId })
    const other = paymentCompleted({ orderId, userId })
    // Straight through the inbox, in parallel transactions: the same id twice and another id twice.
    const handler = onPaymentCompleted(h.shipping)
    const results = await Promise.all(
      [payment, payment, other, other].map((e) => handleOnce(h.db.pool, 'shipping', e, (client) => handler(client, e))),
    )
    expect(results.filter((r) => r === 'applied')).toHaveLength(2)
    // And through the bus, which hands its prefetch of messages to the handler at once.
    await Promise.all([h.bus.publish(payment), h.bus.publish(paymentCompleted({ orderId, userId })), h.bus.publish(other)])
    await h.bus.idle()
    const rows = await shipmentsOf(orderId)
    expect(rows).toHaveLength(1)
    expect(await eventsOf(rows[0].id)).toEqual(['READY'])
  })
})

describe('the address order.created carries', () => {
  it('sealed under the active key, it is kept as it came; under an older key of the ring, it is sealed again with the active one', async () => {
    const [active, older] = [generateKeyringSpec('active'), generateKeyringSpec('older')]
    const rotated = await createHarness({ env: { PII_ENCRYPTION_KEYS: `${active},${older}` }, subscribe: false })
    try {
      const snapshot = async (orderId: string) =>
        (await rotated.db.pool.query<{ address_enc: string }>('SELECT address_enc FROM order_snapshots WHERE order_id = $1', [orderId])).rows[0].address_enc
      const current = orderCreated(rotated.shipping.cipher, { orderId: randomUUID(), userId: randomUUID() })
      expect(await onOrderCreated(rotated.shipping).run(rotated.db.pool, 'shipping', current)).toBe('applied')
      expect(await snapshot(current.data.orderId)).toBe(current.data.shippingAddress.sealed)

      const old = orderCreated(rotated.shipping.cipher, { orderId: randomUUID(), userId: randomUUID() })
      old.data.shippingAddress.sealed = createFieldCipher(older).encryptJson(ADDRESS)
      expect(await onOrderCreated(rotated.shipping).run(rotated.db.pool, 'shipping', old)).toBe('applied')
      const stored = await snapshot(old.data.orderId)
      expect(stored.split('.')[1]).toBe('active')
      expect(rotated.shipping.cipher.decryptJson(stored)).toEqual(ADDRESS)
    } finally {
      await rotated.close()
    }
  })
})

describe('an order.created whose address cannot be read', () => {
  it('fails (so the bus retries and then dead-letters it) without naming personal data', async () => {
    const orderId = randomUUID()
    const event = orderCreated(h.shipping.cipher, { orderId, userId: randomUUID() })
    const foreign = createFieldCipher(generateKeyringSpec('other'))
    event.data.shippingAddress.sealed = foreign.encryptJson(ADDRESS)
    const err = await onOrderCreated(h.shipping).run(h.db.pool, 'shipping', event).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(UnreadableAddress)
    expect((err as Error).message).not.toContain(ADDRESS.recipient)
    const notAnAddress = orderCreated(h.shipping.cipher, { orderId, userId: randomUUID() })
    notAnAddress.data.shippingAddress.sealed = h.shipping.cipher.encryptJson({ phone: ADDRESS.phone })
    const err2 = await onOrderCreated(h.shipping).run(h.db.pool, 'shipping', notAnAddress).catch((e: unknown) => e)
    expect(err2).toBeInstanceOf(UnreadableAddress)
    expect((err2 as Error).message).not.toContain(ADDRESS.phone)
    expect((await h.db.pool.query('SELECT 1 FROM order_snapshots WHERE order_id = $1', [orderId])).rowCount).toBe(0)
  })
})

describe('payment.completed before order.created', () => {
  it('fails while the order is unknown, then creates the shipment once order.created arrives', async () => {
    const orderId = randomUUID()
    const userId = randomUUID()
    const payment = paymentCompleted({ orderId, userId })

    const handler = onPaymentCompleted(h.shipping)
    await expect(handleOnce(h.db.pool, 'shipping', payment, (c) => handler(c, payment))).rejects.toBeInstanceOf(OrderNotYetKnown)
    // The failed attempt left no inbox row, so the event can be handled again.
    const inbox = await h.db.pool.query('SELECT 1 FROM inbox WHERE event_id = $1', [payment.id])
    expect(inbox.rowCount).toBe(0)

    await h.bus.publish(payment)
    await new Promise((r) => setTimeout(r, 120))
    expect(await shipmentsOf(orderId)).toHaveLength(0)
    await h.bus.publish(orderCreated(h.shipping.cipher, { orderId, userId }))
    const row = await eventually(async () => (await shipmentsOf(orderId))[0])
    expect(row.status).toBe('READY')
    await h.bus.idle()
    expect(h.bus.deadLetters('shipping')).toEqual([])
  })
})

describe('order.cancelled', () => {
  it('cancels a READY shipment once, however often it is delivered', async () => {
    const { orderId, userId, shipmentId } = await paidOrder(h)
    const cancel = orderCancelled({ orderId, userId })
    await h.bus.publish(cancel)
    await h.bus.idle()
    await h.bus.publish(cancel)
    await h.bus.idle()
    expect((await shipmentsOf(orderId))[0].status).toBe('CANCELLED')
    expect(await eventsOf(shipmentId)).toEqual(['READY', 'CANCELLED'])
  })

  it('leaves a dispatched shipment alone', async () => {
    const { orderId, userId, shipmentId } = await paidOrder(h)
    const admin = await h.auth(randomUUID(), ['admin'])
    const put = await h.app.inject({ method: 'PUT', url: `/shipments/${shipmentId}/status`, headers: admin, payload: { status: 'DISPATCHED', carrier: 'CJ' } })
    expect(put.statusCode).toBe(200)
    await h.bus.publish(orderCancelled({ orderId, userId }))
    await h.bus.idle()
    expect((await shipmentsOf(orderId))[0].status).toBe('DISPATCHED')
    expect(h.bus.deadLetters('shipping')).toEqual([])
  })

  it('before payment: a late payment.completed creates no shipment', async () => {
    const orderId = randomUUID()
    const userId = randomUUID()
    await h.bus.publish(orderCreated(h.shipping.cipher, { orderId, userId }))
    await h.bus.publish(orderCancelled({ orderId, userId, previousStatus: 'PENDING_PAYMENT' }))
    await h.bus.idle()
    await h.bus.publish(paymentCompleted({ orderId, userId }))
    await h.bus.idle()
    expect(await shipmentsOf(orderId)).toHaveLength(0)
    expect(h.bus.deadLetters('shipping')).toEqual([])
  })
})

describe('payment.completed in one statement (as subscribed)', () => {
  const known = async () => {
    const orderId = randomUUID()
    const userId = randomUUID()
    await h.bus.publish(orderCreated(h.shipping.cipher, { orderId, userId }))
    await h.bus.idle()
    return { orderId, userId }
  }
  const inboxRows = async (eventId: string) =>
    (await h.db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM inbox WHERE event_id = $1', [eventId])).rows[0].n

  it('creates the shipment with its inbox row; the same event again is a duplicate and creates nothing', async () => {
    const { orderId, userId } = await known()
    const payment = paymentCompleted({ orderId, userId })
    const handler = onPaymentCompletedStatement(h.shipping)
    expect(await handler.run(h.db.pool, 'shipping', payment)).toBe('applied')
    expect(await handler.run(h.db.pool, 'shipping', payment)).toBe('duplicate')
    const rows = await shipmentsOf(orderId)
    expect(rows).toHaveLength(1)
    expect(await eventsOf(rows[0].id)).toEqual(['READY'])
    expect(await inboxRows(payment.id)).toBe(1)
  })

  it('the same event run concurrently applies once, and creates one shipment', async () => {
    const { orderId, userId } = await known()
    const payment = paymentCompleted({ orderId, userId })
    const handler = onPaymentCompletedStatement(h.shipping)
    const results = await Promise.all(Array.from({ length: 6 }, () => handler.run(h.db.pool, 'shipping', payment)))
    expect(results.filter((r) => r === 'applied')).toHaveLength(1)
    const rows = await shipmentsOf(orderId)
    expect(rows).toHaveLength(1)
    expect(await eventsOf(rows[0].id)).toEqual(['READY'])
  })

  it('an event whose inbox row is there already creates nothing', async () => {
    const { orderId, userId } = await known()
    const payment = paymentCompleted({ orderId, userId })
    await h.db.pool.query('INSERT INTO inbox (consumer, event_id, event_type) VALUES ($1, $2, $3)', ['shipping', payment.id, payment.type])
    expect(await onPaymentCompletedStatement(h.shipping).run(h.db.pool, 'shipping', payment)).toBe('duplicate')
    expect(await shipmentsOf(orderId)).toHaveLength(0)
  })

  it('before order.created it writes nothing and fails, so the bus retries it', async () => {
    const payment = paymentCompleted({ orderId: randomUUID(), userId: randomUUID() })
    await expect(onPaymentCompletedStatement(h.shipping).run(h.db.pool, 'shipping', payment)).rejects.toBeInstanceOf(OrderNotYetKnown)
    expect(await inboxRows(payment.id)).toBe(0)
  })

  it('racing order.cancelled, it never leaves a READY shipment for the cancelled order', async () => {
    const cancel = onOrderCancelled(h.shipping)
    const runs = await Promise.all(
      Array.from({ length: 12 }, async () => {
        const { orderId, userId } = await known()
        const cancelled = orderCancelled({ orderId, userId })
        await Promise.all([
          onPaymentCompletedStatement(h.shipping).run(h.db.pool, 'shipping', paymentCompleted({ orderId, userId })),
          handleOnce(h.db.pool, 'shipping', cancelled, (client) => cancel(client, cancelled)),
        ])
        return orderId
      }),
    )
    for (const orderId of runs) {
      const rows = await shipmentsOf(orderId)
      expect(rows.map((r) => r.status)).not.toContain('READY')
      if (rows[0]) expect(await eventsOf(rows[0].id)).toEqual(['READY', 'CANCELLED'])
    }
  })

  it('order.cancelled before order.created: the late order.created and payment.completed create no shipment', async () => {
    const orderId = randomUUID()
    const userId = randomUUID()
    await h.bus.publish(orderCancelled({ orderId, userId, previousStatus: 'PENDING_PAYMENT' }))
    await h.bus.idle()
    await h.bus.publish(orderCreated(h.shipping.cipher, { orderId, userId }))
    await h.bus.idle()
    await h.bus.publish(paymentCompleted({ orderId, userId }))
    await h.bus.idle()
    expect(await shipmentsOf(orderId)).toHaveLength(0)
    expect(h.bus.deadLetters('shipping')).toEqual([])
  })

  it('order.cancelled racing order.created: the payment.completed that follows creates no shipment', async () => {
    const cancel = onOrderCancelled(h.shipping)
    const runs = await Promise.all(
      Array.from({ length: 12 }, async () => {
        const orderId = randomUUID()
        const userId = randomUUID()
        const cancelled = orderCancelled({ orderId, userId, previousStatus: 'PENDING_PAYMENT' })
        const payment = paymentCompleted({ orderId, userId })
        await Promise.all([
          handleOnce(h.db.pool, 'shipping', cancelled, (client) => cancel(client, cancelled)),
          h.bus.publish(orderCreated(h.shipping.cipher, { orderId, userId })),
        ])
        // The payment is retried until order.created is in, as the bus would.
        await eventually(async () => (await onPaymentCompletedStatement(h.shipping).run(h.db.pool, 'shipping', payment)) !== undefined)
        return orderId
      }),
    )
    await h.bus.idle()
    for (const orderId of runs) expect(await shipmentsOf(orderId)).toHaveLength(0)
  })
})
