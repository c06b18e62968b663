import { ConfigError } from '@shop/platform/config'
import { generateKeyringSpec } from '@shop/platform/crypto'
import { describe, expect, it } from 'vitest'
import { loadOrderSettings } from './config.ts'

const variablesOf = (fn: () => unknown): string[] => {
  try {
    fn()
  } catch (err) {
    if (err instanceof ConfigError) return err.problems.map((p) => p.variable)
    throw err
  }
  return []
}

describe('order settings', () => {
  it('apply the documented defaults', () => {
    const s = loadOrderSettings({ PII_ENCRYPTION_KEYS: generateKeyringSpec('k1') })
    expect(s).toMatchObject({
      paymentWindowSeconds: 900,
      sweepIntervalMs: 5000,
      sweepBatchSize: 100,
      maxQuantityPerLine: 100,
      upstreamTimeoutMs: 3000,
    })
    expect(s.keyring.activeKid).toBe('k1')
  })

  it('refuse to start without a PII key, naming the variable', () => {
    expect(variablesOf(() => loadOrderSettings({}))).toEqual(['PII_ENCRYPTION_KEYS'])
    expect(variablesOf(() => loadOrderSettings({ PII_ENCRYPTION_KEYS: 'k1:tooshort' }))).toEqual(['PII_ENCRYPTION_KEYS'])
  })

  it('refuse a per-line cap above the HTTP limit and a payment window of zero', () => {
    const key = generateKeyringSpec()
    expect(variablesOf(() => loadOrderSettings({ PII_ENCRYPTION_KEYS: key, MAX_QUANTITY_PER_ORDER_LINE: '101' }))).toEqual([
      'MAX_QUANTITY_PER_ORDER_LINE',
    ])
    expect(variablesOf(() => loadOrderSettings({ PII_ENCRYPTION_KEYS: key, ORDER_PAYMENT_WINDOW_SECONDS: '0' }))).toEqual([
      'ORDER_PAYMENT_WINDOW_SECONDS',
    ])
  })
})
