import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type FeeRules, quoteFromRules } from '@shop/contracts/shipping'
import { ConfigError } from '@shop/platform/config'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadShippingSettings } from '../src/config.ts'
import { createHarness, type Harness, testEnv } from './helpers.ts'

let h: Harness
beforeAll(async () => {
  h = await createHarness({ subscribe: false })
})
afterAll(() => h?.close())

const quote = (body: unknown) => h.app.inject({ method: 'POST', url: '/shipping/quote', payload: body as object })

describe('POST /shipping/quote', () => {
  it('charges the base fee just under the threshold and nothing from it, anonymously', async () => {
    const under = await quote({ subtotal: 49_999, postalCode: '06236' })
    expect(under.statusCode).toBe(200)
    expect(under.json()).toEqual({ fee: 3000, currency: 'KRW', breakdown: [{ kind: 'base', amount: 3000 }], freeFrom: 50_000 })
    const at = await quote({ subtotal: 50_000, postalCode: '06236' })
    expect(at.json()).toMatchObject({ fee: 0 })
  })

  it('adds the Jeju surcharge inside 63000–63644 only, even with free shipping', async () => {
    expect((await quote({ subtotal: 10_000, postalCode: '62999' })).json().fee).toBe(3000)
    expect((await quote({ subtotal: 10_000, postalCode: '63000' })).json().fee).toBe(6000)
    expect((await quote({ subtotal: 10_000, postalCode: '63644' })).json().fee).toBe(6000)
    expect((await quote({ subtotal: 10_000, postalCode: '63645' })).json().fee).toBe(3000)
    const free = (await quote({ subtotal: 50_000, postalCode: '63100' })).json()
    expect(free).toEqual({
      fee: 3000,
      currency: 'KRW',
      breakdown: [
        { kind: 'base', amount: 3000 },
        { kind: 'free_shipping', amount: -3000 },
        { kind: 'jeju', amount: 3000 },
      ],
      freeFrom: 50_000,
    })
  })

  it('adds the remote island surcharge for 울릉군 and 신안군', async () => {
    expect((await quote({ subtotal: 10_000, postalCode: '40200' })).json().fee).toBe(8000)
    expect((await quote({ subtotal: 60_000, postalCode: '58800' })).json().fee).toBe(5000)
  })

  it.each([
    [{ subtotal: 10_000, postalCode: '1234' }, '/postalCode'],
    [{ subtotal: 10_000, postalCode: 'abcde' }, '/postalCode'],
    [{ subtotal: 10_000 }, '/postalCode'],
    [{ subtotal: -1, postalCode: '06236' }, '/subtotal'],
    [{ subtotal: '10000', postalCode: '06236' }, '/subtotal'],
    [{ subtotal: 10_000, postalCode: '06236', coupon: 'FREE' }, '/coupon'],
  ])('refuses %j with 400 validation_failed naming %s', async (body, path) => {
    const res = await quote(body)
    expect(res.statusCode).toBe(400)
    expect(res.headers['content-type']).toContain('application/problem+json')
    expect(res.json()).toMatchObject({ code: 'validation_failed', status: 400 })
    expect(res.json().errors.map((e: { path: string }) => e.path)).toContain(path)
  })
})

describe('GET /internal/fee-rules', () => {
  it('gives the rules in force, and a quote computed from them is the quote shipping answers', async () => {
    const res = await h.app.inject({ url: '/internal/fee-rules' })
    expect(res.statusCode).toBe(200)
    const rules = res.json() as FeeRules
    expect(rules).toEqual(h.shipping.feeRules)
    for (const body of [
      { subtotal: 49_999, postalCode: '06236' },
      { subtotal: 50_000, postalCode: '63100' },
      { subtotal: 10_000, postalCode: '40200' },
      { subtotal: 60_000, postalCode: '58800' },
    ]) {
      expect(quoteFromRules(rules, body)).toEqual((await quote(body)).json())
    }
  })
})

describe('the OpenAPI document', () => {
  it('lists every shipping route', async () => {
    const res = await h.app.inject({ url: '/openapi.json' })
    expect(res.statusCode).toBe(200)
    expect(Object.keys(res.json().paths)).toEqual(
      expect.arrayContaining(['/shipping/quote', '/shipments/{orderId}', '/shipments/{id}/status', '/shipments/tracking/{trackingNumber}']),
    )
  })
})

describe('fee rules from SHIPPING_FEE_RULES', () => {
  const dir = mkdtempSync(join(tmpdir(), 'shipping-rules-'))

  it('replaces the defaults with the file, keeping defaults for fields it leaves out', async () => {
    const file = join(dir, 'rules.json')
    writeFileSync(
      file,
      JSON.stringify({ freeFrom: 30_000, surcharges: [{ kind: 'island', amount: 4000, ranges: [{ from: '23000', to: '23999' }] }] }),
    )
    const custom = await createHarness({ subscribe: false, env: { SHIPPING_FEE_RULES: file } })
    try {
      const res = await custom.app.inject({ method: 'POST', url: '/shipping/quote', payload: { subtotal: 30_000, postalCode: '23500' } })
      expect(res.json()).toEqual({
        fee: 4000,
        currency: 'KRW',
        breakdown: [
          { kind: 'base', amount: 3000 },
          { kind: 'free_shipping', amount: -3000 },
          { kind: 'island', amount: 4000 },
        ],
        freeFrom: 30_000,
      })
      // Jeju is no longer a surcharge area under this file.
      const jeju = await custom.app.inject({ method: 'POST', url: '/shipping/quote', payload: { subtotal: 0, postalCode: '63000' } })
      expect(jeju.json().fee).toBe(3000)
    } finally {
      await custom.close()
    }
  })

  it('refuses a file that is not valid rules, naming the variable', () => {
    const bad = join(dir, 'bad.json')
    writeFileSync(bad, JSON.stringify({ baseFee: 'three thousand' }))
    const backwards = join(dir, 'backwards.json')
    writeFileSync(backwards, JSON.stringify({ surcharges: [{ kind: 'x', amount: 1, ranges: [{ from: '50000', to: '40000' }] }] }))
    for (const path of [bad, backwards, join(dir, 'missing.json')]) {
      let caught: unknown
      try {
        loadShippingSettings(testEnv({ SHIPPING_FEE_RULES: path }))
      } catch (err) {
        caught = err
      }
      expect(caught).toBeInstanceOf(ConfigError)
      expect((caught as ConfigError).problems[0].variable).toBe('SHIPPING_FEE_RULES')
    }
  })

  it('requires PII_ENCRYPTION_KEYS and checks its format', () => {
    expect(() => loadShippingSettings({})).toThrow(/PII_ENCRYPTION_KEYS: is required/)
    expect(() => loadShippingSettings({ PII_ENCRYPTION_KEYS: 'k1:short' })).toThrow(/PII_ENCRYPTION_KEYS/)
  })
})
