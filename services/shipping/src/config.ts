import { readFileSync } from 'node:fs'
import { ConfigError, Env, loadConfig } from '@shop/platform/config'
import { type Keyring, parseKeyring } from '@shop/platform/crypto'
import { type Static, Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import { checkFeeRules, DEFAULT_FEE_RULES, FeeRules } from './domain/fee-rules.ts'

/** Settings of the shipping service beyond the shared ones (runtime.ts). */
export const ShippingConfig = Type.Object({
  /** `kid:base64key[,kid:base64key...]`; the first key encrypts, all decrypt. */
  PII_ENCRYPTION_KEYS: Env.string(),
  /** Path of a JSON file replacing the default fee rules (same shape as DEFAULT_FEE_RULES). */
  SHIPPING_FEE_RULES: Env.optionalString(),
  CARRIER_SIMULATOR_AUTO_ADVANCE: Env.bool(true),
  CARRIER_SIMULATOR_STEP_SECONDS: Env.int(30, 1),
})
export type ShippingConfig = Static<typeof ShippingConfig>

export interface ShippingSettings {
  config: ShippingConfig
  keyring: Keyring
  feeRules: FeeRules
}

/** Reads and checks every shipping setting; a bad one throws ConfigError naming its variable. */
export function loadShippingSettings(env: Record<string, string | undefined>): ShippingSettings {
  const config = loadConfig(ShippingConfig, env)
  let keyring: Keyring
  try {
    keyring = parseKeyring(config.PII_ENCRYPTION_KEYS)
  } catch (err) {
    throw new ConfigError([{ variable: 'PII_ENCRYPTION_KEYS', message: (err as Error).message }])
  }
  const feeRules = config.SHIPPING_FEE_RULES ? loadFeeRulesFile(config.SHIPPING_FEE_RULES) : DEFAULT_FEE_RULES
  return { config, keyring, feeRules }
}

/**
 * Reads fee rules from a JSON file. Top-level fields left out keep their defaults, so a
 * file may change only `freeFrom`; `surcharges`, when given, replaces the whole list.
 */
export function loadFeeRulesFile(path: string): FeeRules {
  const fail = (message: string): never => {
    throw new ConfigError([{ variable: 'SHIPPING_FEE_RULES', message: `${path}: ${message}` }])
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'))
  } catch (err) {
    return fail((err as Error).message)
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return fail('expected a JSON object')
  const rules = { ...DEFAULT_FEE_RULES, ...(parsed as object) }
  if (!Value.Check(FeeRules, rules)) {
    const first = [...Value.Errors(FeeRules, rules)].slice(0, 3)
    return fail(first.map((e) => `${e.path || '/'} ${e.message}`).join('; '))
  }
  const problems = checkFeeRules(rules)
  if (problems.length) return fail(problems.join('; '))
  return rules
}
