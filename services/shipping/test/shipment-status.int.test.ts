import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type CarrierAdapter, isTrackingNumberOf } from '../src/domain/carrier.ts'
import { updateShipmentStatusByAdmin } from '../src/use-cases/update-shipment-status.ts'
import { ADDRESS, createHarness, type Harness, paidOrder } from './helpers.ts'

let h: Harness
let admin: { authorization: string }
beforeAll(async () => {
  h = await createHarness()
  admin = await h.auth(randomUUID(), ['admin'])
})
afterAll(() => h?.close())

const setStatus = (shipmentId: string, payload: object, headers: Record<string, string> = admin) =>
  h.app.inject({ method: 'PUT', url: `/shipments/${shipmentId}/status`, headers, payload })

describe('PUT /shipments/:id/status', () => {
  it('dispatches with a generated waybill, then in transit, then delivered, each event in the outbox', async () => {
    const { orderId, shipmentId } = await paidOrder(h)
    const dispatched = await setStatus(shipmentId, { status: 'DISPATCHED', carrier: 'CJ' })
    expect(dispatched.statusCode).toBe(200)
    const body = dispatched.json()
    expect(body).toMatchObject({ id: shipmentId, orderId, status: 'DISPATCHED', carrier: 'CJ' })
    expect(isTrackingNumberOf('CJ', body.trackingNumber)).toBe(true)

    const sent = (await h.outbox('shipment.dispatched')).filter((e) => e.data.orderId === orderId)
    expect(sent).toHaveLength(1)
    expect(sent[0]).toMatchObject({
      source: 'shipping',
      data: { shipmentId, orderId, carrier: 'CJ', trackingNumber: body.trackingNumber },
    })
    expect(Date.parse(sent[0].data.dispatchedAt)).not.toBeNaN()

    expect((await setStatus(shipmentId, { status: 'IN_TRANSIT', location: '곤지암 메가허브' })).statusCode).toBe(200)
    const delivered = await setStatus(shipmentId, { status: 'DELIVERED' })
    expect(delivered.statusCode).toBe(200)
    expect(delivered.json().status).toBe('DELIVERED')
    expect(delivered.json().events.map((e: { status: string; location?: string }) => [e.status, e.location])).toEqual([
      ['READY', undefined],
      ['DISPATCHED', undefined],
      ['IN_TRANSIT', '곤지암 메가허브'],
      ['DELIVERED', undefined],
    ])
    const deliveredEvents = (await h.outbox('shipment.delivered')).filter((e) => e.data.orderId === orderId)
    expect(deliveredEvents).toHaveLength(1)
    expect(deliveredEvents[0].data).toMatchObject({ shipmentId, orderId })
    // The admin is not the order's owner: the recipient comes back masked.
    expect(delivered.json().recipient).toMatchObject({ name: '홍*동', phone: '010-****-5678' })
  })

  it('takes a tracking number the admin gives, and goes from DISPATCHED straight to DELIVERED', async () => {
    const { shipmentId } = await paidOrder(h)
    const res = await setStatus(shipmentId, { status: 'DISPATCHED', carrier: 'EPOST', trackingNumber: '6012345678901' })
    expect(res.json()).toMatchObject({ carrier: 'EPOST', trackingNumber: '6012345678901' })
    expect((await setStatus(shipmentId, { status: 'DELIVERED', location: '경비실' })).statusCode).toBe(200)

    const other = await paidOrder(h)
    const taken = await setStatus(other.shipmentId, { status: 'DISPATCHED', carrier: 'CJ', trackingNumber: '6012345678901' })
    expect(taken.statusCode).toBe(409)
    expect(taken.json().code).toBe('tracking_number_taken')
  })

  it('refuses a transition the table does not allow with 409 invalid_state and emits nothing', async () => {
    const { orderId, shipmentId } = await paidOrder(h)
    for (const status of ['IN_TRANSIT', 'DELIVERED']) {
      const res = await setStatus(shipmentId, { status })
      expect(res.statusCode).toBe(409)
      expect(res.json()).toMatchObject({ code: 'invalid_state', status: 409 })
    }
    await setStatus(shipmentId, { status: 'DISPATCHED', carrier: 'HANJIN' })
    expect((await setStatus(shipmentId, { status: 'DISPATCHED', carrier: 'LOTTE' })).json().code).toBe('invalid_state')
    await setStatus(shipmentId, { status: 'DELIVERED' })
    expect((await setStatus(shipmentId, { status: 'IN_TRANSIT' })).statusCode).toBe(409)
    expect((await h.outbox('shipment.dispatched')).filter((e) => e.data.orderId === orderId)).toHaveLength(1)
  })

  it('applies only one of concurrent dispatches, even when both read READY first', async () => {
    const { orderId, shipmentId } = await paidOrder(h)
    // Both requests have read the READY row when the carrier answers, so only the
    // conditional UPDATE can keep the second from applying.
    let arrived = 0
    let release: () => void = () => {}
    const bothRead = new Promise<void>((resolve) => {
      release = resolve
    })
    const slowCarrier: CarrierAdapter = {
      ...h.shipping.carriers.CJ,
      async dispatch(parcel) {
        arrived += 1
        if (arrived === 2) release()
        await bothRead
        return h.shipping.carriers.CJ.dispatch(parcel)
      },
    }
    const s = { ...h.shipping, carriers: { ...h.shipping.carriers, CJ: slowCarrier } }
    const adminUser = { id: randomUUID(), roles: ['admin' as const], jti: 'j', exp: 0, token: 't' }
    const results = await Promise.allSettled([
      updateShipmentStatusByAdmin(s, adminUser, shipmentId, { status: 'DISPATCHED', carrier: 'CJ' }),
      updateShipmentStatusByAdmin(s, adminUser, shipmentId, { status: 'DISPATCHED', carrier: 'CJ' }),
    ])
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
    const failure = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
    expect(failure.reason).toMatchObject({ status: 409, code: 'invalid_state' })

    // Through HTTP as well: one 200, the rest 409.
    const other = await paidOrder(h)
    const responses = await Promise.all(
      ['CJ', 'LOTTE', 'HANJIN'].map((carrier) => setStatus(other.shipmentId, { status: 'DISPATCHED', carrier })),
    )
    expect(responses.map((r) => r.statusCode).sort()).toEqual([200, 409, 409])

    for (const id of [orderId, other.orderId]) {
      expect((await h.outbox('shipment.dispatched')).filter((e) => e.data.orderId === id)).toHaveLength(1)
    }
    const events = await h.db.pool.query("SELECT 1 FROM shipment_events WHERE shipment_id = $1 AND status = 'DISPATCHED'", [shipmentId])
    expect(events.rowCount).toBe(1)
  })

  it('is for admins only: 401 without a token, 403 for a customer, 404 for an unknown shipment', async () => {
    const { shipmentId, userId } = await paidOrder(h)
    const payload = { status: 'DISPATCHED', carrier: 'CJ' }
    expect((await h.app.inject({ method: 'PUT', url: `/shipments/${shipmentId}/status`, payload })).statusCode).toBe(401)
    const customer = await setStatus(shipmentId, payload, await h.auth(userId))
    expect(customer.statusCode).toBe(403)
    expect(customer.json().code).toBe('forbidden')
    expect((await setStatus(randomUUID(), payload)).statusCode).toBe(404)
  })

  it.each([
    { status: 'DISPATCHED' },
    { status: 'DISPATCHED', carrier: 'DHL' },
    { status: 'IN_TRANSIT', carrier: 'CJ' },
    { status: 'LOST' },
    { status: 'IN_TRANSIT', location: '허브', note: 'extra' },
  ])('refuses the body %j with 400 validation_failed', async (payload) => {
    const { shipmentId } = await paidOrder(h)
    const res = await setStatus(shipmentId, payload)
    expect(res.statusCode).toBe(400)
    expect(res.json().code).toBe('validation_failed')
  })
})

describe('GET /shipments/:orderId', () => {
  it('shows the owner the recipient in clear, an admin masked, and another user 404', async () => {
    const { orderId, userId, shipmentId } = await paidOrder(h)
    const owner = await h.app.inject({ url: `/shipments/${orderId}`, headers: await h.auth(userId) })
    expect(owner.statusCode).toBe(200)
    expect(owner.json()).toMatchObject({
      id: shipmentId,
      orderId,
      status: 'READY',
      carrier: null,
      trackingNumber: null,
      fee: 3000,
      recipient: { name: ADDRESS.recipient, phone: ADDRESS.phone, address1: ADDRESS.address1, address2: ADDRESS.address2 },
      events: [{ status: 'READY' }],
    })

    const asAdmin = await h.app.inject({ url: `/shipments/${orderId}`, headers: admin })
    expect(asAdmin.statusCode).toBe(200)
    expect(asAdmin.json().recipient).toEqual({
      name: '홍*동',
      phone: '010-****-5678',
      postalCode: ADDRESS.postalCode,
      address1: '서울특별시 강남구 ***',
    })
    expect(asAdmin.body).not.toContain(ADDRESS.recipient)
    expect(asAdmin.body).not.toContain('1234-5678')

    const stranger = await h.app.inject({ url: `/shipments/${orderId}`, headers: await h.auth(randomUUID()) })
    expect(stranger.statusCode).toBe(404)
    expect(stranger.json().code).toBe('not_found')
    expect(stranger.body).not.toContain(shipmentId)
  })

  it('answers 404 when the order has no shipment yet and 401 without a token', async () => {
    expect((await h.app.inject({ url: `/shipments/${randomUUID()}`, headers: admin })).statusCode).toBe(404)
    expect((await h.app.inject({ url: `/shipments/${randomUUID()}` })).statusCode).toBe(401)
  })
})

describe('GET /shipments/tracking/:trackingNumber', () => {
  it('shows status and scans to anyone, with no personal data', async () => {
    const { shipmentId } = await paidOrder(h)
    const { trackingNumber } = (await setStatus(shipmentId, { status: 'DISPATCHED', carrier: 'LOTTE' })).json()
    await setStatus(shipmentId, { status: 'IN_TRANSIT', location: '진천 메가허브' })
    const res = await h.app.inject({ url: `/shipments/tracking/${trackingNumber}` })
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({
      trackingNumber,
      carrier: 'LOTTE',
      status: 'IN_TRANSIT',
      events: [
        { status: 'READY', at: expect.any(String) },
        { status: 'DISPATCHED', at: expect.any(String) },
        { status: 'IN_TRANSIT', at: expect.any(String), location: '진천 메가허브' },
      ],
    })
    // The waybill's own digits aside, nothing in the answer may come from the address.
    const rest = res.body.replaceAll(trackingNumber, '')
    for (const personal of [ADDRESS.recipient, '홍*동', ADDRESS.phone, '010-****-5678', '01012345678', ADDRESS.address1, '강남구', ADDRESS.postalCode]) {
      expect(rest).not.toContain(personal)
    }
    expect(Object.keys(res.json()).sort()).toEqual(['carrier', 'events', 'status', 'trackingNumber'])
  })

  it('answers 404 for an unknown tracking number', async () => {
    const res = await h.app.inject({ url: '/shipments/tracking/699999999999' })
    expect(res.statusCode).toBe(404)
    expect(res.json().code).toBe('not_found')
  })
})
