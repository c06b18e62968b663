import { formatWon } from '@shop/storefront-core/format'
import { ko } from '@shop/storefront-core/ko'
import { adminKo } from '../ko.ts'

/**
 * The auditor's report (GET /v1/admin/audit) in the merchant's words. The report names its
 * checks and figures in English for operators and the CLI (`npm run audit`); the console
 * shows each in Korean, by the check's `name` and the figure's key. A check or figure this
 * console does not know yet keeps the report's words rather than disappear.
 */

const t = adminKo.operations

/** Figures that are amounts of money (whole won). */
const MONEY = new Set(['captured', 'refunded'])

/** Status figures are counted under the status's own name: order statuses, or shipment statuses in the shipment check. */
const STATUS_WORDS: Record<string, Record<string, string>> = {
  'order states': ko.order.statuses,
  shipments: ko.order.shipmentStatuses,
}

/** Per-service backlog figures: `<service> count` and `<service> oldest s`. */
const SERVICE_FIGURE = /^(\w+) (count|oldest s)$/

export interface CheckWords {
  title: string
  description: string
  /** What to do when the check fails; undefined for a check this console does not know. */
  fix?: string
}

export function checkWords(check: { name: string; description: string }): CheckWords {
  return t.checks[check.name] ?? { title: check.name, description: check.description }
}

export function figureName(check: string, key: string): string {
  const service = SERVICE_FIGURE.exec(key)
  if (service) {
    const name = t.services[service[1]] ?? service[1]
    const dead = check === 'dead letters'
    if (service[2] === 'count') return dead ? t.deadCount(name) : t.backlogCount(name)
    return dead ? t.deadAge(name) : t.backlogAge(name)
  }
  return STATUS_WORDS[check]?.[key] ?? t.figureNames[key] ?? key
}

export function figureValue(key: string, value: string | number | null): string {
  if (value === null) return '—'
  if (typeof value === 'string') return key === 'pgProvider' ? (t.pgProviders[value] ?? value) : value
  if (MONEY.has(key)) return formatWon(value)
  if (SERVICE_FIGURE.exec(key)?.[2] === 'oldest s') return t.seconds(value)
  return value.toLocaleString('ko-KR')
}
