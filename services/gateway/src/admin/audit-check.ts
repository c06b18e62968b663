import type { AuditCheck, AuditOptions, Figures, Violation } from './audit-types.ts'

/** The most violations one check lists; the count covers them all. */
export const MAX_LISTED = 50

/** A finished check: ok exactly when nothing was found. */
export function finish(name: string, description: string, figures: Figures, violations: Violation[], checked = true): AuditCheck {
  return {
    name,
    description,
    ok: violations.length === 0,
    checked,
    figures,
    violations: violations.slice(0, MAX_LISTED),
    violationCount: violations.length,
  }
}

/** A check that could not run because a source it needs was not read. */
export function notChecked(name: string, description: string, missing: string[]): AuditCheck {
  return finish(
    name,
    description,
    {},
    missing.map((source) => ({ subject: source, message: `not checked: the ${source} facts could not be read` })),
    false,
  )
}

/** Whether `at` lies within the grace period before now (work that may still be in flight). */
export function isRecent(at: string | null | undefined, o: AuditOptions): boolean {
  if (!at) return false
  return o.now.getTime() - Date.parse(at) < o.graceSeconds * 1000
}

/** The later of two ISO timestamps. */
export const later = (a: string, b: string): string => (Date.parse(a) >= Date.parse(b) ? a : b)

/** Seconds from `at` to now, rounded to one decimal. */
export const secondsSince = (at: string, now: Date): number => Math.round((now.getTime() - Date.parse(at)) / 100) / 10

/** Integer KRW with thousands separators, for messages. */
export const krw = (n: number): string => `${n.toLocaleString('en-US')} KRW`
