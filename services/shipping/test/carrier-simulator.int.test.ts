import { randomUUID } from 'node:crypto'
import type { EventEnvelope } from '@shop/contracts'
import { createMemoryBus } from '@shop/platform/bus-memory'
import { createFieldCipher } from '@shop/platform/crypto'
import { createTestDatabase, eventually, type TestDatabase } from '@shop/platform/testing'
import { createTestIssuer, serveJwks } from '@shop/platform/testing-auth'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { start } from '../src/main.ts'
import { advanceParcels } from '../src/use-cases/advance-parcels.ts'
import { createHarness, type Harness, orderCreated, paidOrder, paymentCompleted, testEnv, testRuntime } from './helpers.ts'

let h: Harness
let admin: { authorization: string }
beforeAll(async () => {
  h = await createHarness()
  admin = await h.auth(randomUUID(), ['admin'])
})
afterAll(() => h?.close())

async function dispatchedParcel(carrier = 'CJ') {
  const parcel = await paidOrder(h)
  const res = await h.app.inject({
    method: 'PUT',
    url: `/shipments/${parcel.shipmentId}/status`,
    headers: admin,
    payload: { status: 'DISPATCHED', carrier },
  })
  expect(res.statusCode).toBe(200)
  return { ...parcel, trackingNumber: res.json().trackingNumber as string }
}

const statusOf = async (shipmentId: string) =>
  (await h.db.pool.query<{ status: string }>('SELECT status FROM shipments WHERE id = $1', [shipmentId])).rows[0].status

describe('the carrier simulator step', () => {
  it('moves a dispatched parcel to IN_TRANSIT, then DELIVERED, emitting shipment.delivered', async () => {
    const parcel = await dispatchedParcel('HANJIN')
    const ready = await paidOrder(h)

    expect(await advanceParcels(h.shipping, { minAgeMs: 0 })).toBeGreaterThanOrEqual(1)
    expect(await statusOf(parcel.shipmentId)).toBe('IN_TRANSIT')
    expect(await advanceParcels(h.shipping, { minAgeMs: 0 })).toBeGreaterThanOrEqual(1)
    expect(await statusOf(parcel.shipmentId)).toBe('DELIVERED')
    expect(await statusOf(ready.shipmentId)).toBe('READY')

    const delivered = (await h.outbox('shipment.delivered')).filter((e) => e.data.shipmentId === parcel.shipmentId)
    expect(delivered).toHaveLength(1)
    expect(delivered[0].data.orderId).toBe(parcel.orderId)

    const tracking = (await h.app.inject({ url: `/shipments/tracking/${parcel.trackingNumber}` })).json()
    expect(tracking.events.map((e: { status: string; location?: string }) => [e.status, e.location])).toEqual([
      ['READY', undefined],
      ['DISPATCHED', undefined],
      ['IN_TRANSIT', '대전 허브터미널'],
      ['DELIVERED', '한진택배 배송지 관할 대리점'],
    ])
    expect(await advanceParcels(h.shipping, { minAgeMs: 0 })).toBe(0)
  })

  it('leaves a parcel alone until it has been still for minAgeMs', async () => {
    const parcel = await dispatchedParcel()
    expect(await advanceParcels(h.shipping, { minAgeMs: 60_000 })).toBe(0)
    expect(await statusOf(parcel.shipmentId)).toBe('DISPATCHED')
    // Off the road, so the next test counts only its own parcels.
    await h.app.inject({ method: 'PUT', url: `/shipments/${parcel.shipmentId}/status`, headers: admin, payload: { status: 'DELIVERED' } })
  })

  it('advances each parcel once when two replicas poll at the same moment', async () => {
    const parcels = await Promise.all([1, 2, 3, 4, 5].map(() => dispatchedParcel('LOTTE')))
    const [a, b] = await Promise.all([advanceParcels(h.shipping, { minAgeMs: 0 }), advanceParcels(h.shipping, { minAgeMs: 0 })])
    expect(a + b).toBe(5)
    for (const p of parcels) {
      expect(await statusOf(p.shipmentId)).toBe('IN_TRANSIT')
      const scans = await h.db.pool.query("SELECT 1 FROM shipment_events WHERE shipment_id = $1 AND status = 'IN_TRANSIT'", [p.shipmentId])
      expect(scans.rowCount).toBe(1)
    }
  })
})

describe('the shipping service booted as in production', () => {
  let db: TestDatabase
  beforeAll(async () => {
    db = await createTestDatabase({ withPlatform: false, prefix: 'shipping_boot' })
  })
  afterAll(() => db?.drop())

  it('consumes events, serves HTTP and delivers a dispatched parcel on its own with the worker on', async () => {
    const bus = createMemoryBus({ retryDelaysMs: [50] })
    const issuer = await createTestIssuer({ issuer: 'shop-auth', audience: 'shop' })
    const jwks = await serveJwks(issuer.jwks)
    const env = testEnv({ CARRIER_SIMULATOR_AUTO_ADVANCE: 'true', CARRIER_SIMULATOR_STEP_SECONDS: '1' })
    const rt = testRuntime({ env, databaseUrl: db.url, bus, jwksUrl: jwks.url })
    const seen: EventEnvelope[] = []
    const probe = await bus.subscribe({
      service: 'probe',
      types: ['shipment.dispatched', 'shipment.delivered'],
      handler: async (e) => {
        seen.push(e)
      },
    })
    try {
      const { app } = await start(rt)
      const orderId = randomUUID()
      const userId = randomUUID()
      // The order service seals the address with the same shared key.
      await bus.publish(orderCreated(createFieldCipher(env.PII_ENCRYPTION_KEYS), { orderId, userId }))
      await bus.idle()
      await bus.publish(paymentCompleted({ orderId, userId }))
      const adminHeaders = { authorization: `Bearer ${await issuer.tokenFor(randomUUID(), ['admin'])}` }
      const shipment = await eventually(async () => {
        const res = await app.inject({ url: `/shipments/${orderId}`, headers: adminHeaders })
        return res.statusCode === 200 ? res.json() : null
      })
      const put = await app.inject({
        method: 'PUT',
        url: `/shipments/${shipment.id}/status`,
        headers: adminHeaders,
        payload: { status: 'DISPATCHED', carrier: 'EPOST' },
      })
      expect(put.statusCode).toBe(200)
      const delivered = await eventually(() => seen.find((e) => e.type === 'shipment.delivered'), { timeoutMs: 8000 })
      expect(delivered?.data).toMatchObject({ shipmentId: shipment.id, orderId })
      expect(seen.map((e) => e.type)).toEqual(['shipment.dispatched', 'shipment.delivered'])
      const final = await app.inject({ url: `/shipments/${orderId}`, headers: adminHeaders })
      expect(final.json().events.map((e: { status: string }) => e.status)).toEqual(['READY', 'DISPATCHED', 'IN_TRANSIT', 'DELIVERED'])
    } finally {
      await probe.stop()
      await rt.lifecycle.shutdown('test over')
      await bus.close()
      await jwks.close()
    }
  })
})
