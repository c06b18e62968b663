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
}

export function checkWords(check: { name: string; description: string }): CheckWords {
  const known = t.checks[check.name]
  return known ? { title: known.title, description: known.description } : { title: check.name, description: check.description }
}

/** The check's result as the console shows it: passed, failed, or not run (a source it needs could not be read). */
export function checkVerdict(check: { name: string; ok: boolean; checked: boolean }): { label: string; tone: 'ok' | 'bad' | 'warn'; fix?: string } {
  if (!check.checked) return { label: t.notChecked, tone: 'warn', fix: t.notCheckedFix }
  if (check.ok) return { label: t.ok, tone: 'ok' }
  return { label: t.bad, tone: 'bad', fix: t.checks[check.name]?.fix }
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
