import { describe, expect, it } from 'vitest'
import { checkVerdict, checkWords, figureName, figureValue } from '../../apps/web/src/admin/ops/audit-words.ts'
import { consistentShop, settled } from '../../services/gateway/src/admin/audit-rules.fixture.ts'
import { auditShop } from '../../services/gateway/src/admin/audit-rules.ts'

/**
 * The gateway's auditor names its checks and figures in English (for operators and the
 * CLI); the admin console's operations page shows them in Korean. This holds the two
 * together: every check and figure the auditor reports has the console's words.
 */

const HANGUL = /[가-힣]/

describe('the auditor report in the admin console’s words', () => {
  const report = auditShop(consistentShop(), settled)

  it('every check the auditor runs has a Korean title, description and what to do when it fails', () => {
    expect(report.checks.length).toBeGreaterThanOrEqual(8)
    for (const check of report.checks) {
      const words = checkWords(check)
      expect(words.title, check.name).toMatch(HANGUL)
      expect(words.description, check.name).toMatch(HANGUL)
      expect(checkVerdict(check), check.name).toEqual({ label: '정상', tone: 'ok' })
      expect(checkVerdict({ ...check, ok: false }).fix, check.name).toMatch(HANGUL)
    }
  })

  it('a check that could not run for want of a service’s facts says 점검 못 함, not 문제 있음, and what to fix first', () => {
    const facts = consistentShop()
    facts.payments = null
    facts.unavailable.push({ source: 'payment', reason: 'the payment service did not answer' })
    const checks = auditShop(facts, settled).checks
    const verdictOf = (name: string) => checkVerdict(checks.find((c) => c.name === name) as (typeof checks)[number])
    expect(verdictOf('payments')).toMatchObject({ label: '점검 못 함', tone: 'warn', fix: expect.stringContaining('서비스 응답') })
    expect(verdictOf('facts collected')).toMatchObject({ label: '문제 있음', tone: 'bad' })
    expect(verdictOf('shipments')).toEqual({ label: '정상', tone: 'ok' })
  })

  it('every figure of every check is named in Korean, statuses by their Korean words, the backlogs per service', () => {
    for (const check of report.checks) {
      for (const key of Object.keys(check.figures)) expect(figureName(check.name, key), `${check.name}: ${key}`).toMatch(HANGUL)
    }
    expect(figureName('order states', 'PENDING_PAYMENT')).toBe('결제 대기')
    expect(figureName('shipments', 'DELIVERED')).toBe('배송 완료')
    expect(figureName('outbox backlog', 'payment count')).toBe('결제 대기')
    expect(figureName('dead letters', 'shipping oldest s')).toBe('배송 최장 실패 경과')
  })

  it('amounts are in won, ages in time, the PG by name, and what was not read is a dash', () => {
    expect(figureValue('captured', 130_000)).toBe('130,000원')
    expect(figureValue('restocked', 1_200)).toBe('1,200')
    expect(figureValue('order oldest s', 90)).toBe('2분')
    expect(figureValue('pgProvider', 'simulator')).toBe('결제 시뮬레이터')
    expect(figureValue('order count', null)).toBe('—')
  })

  it('a check or figure the console does not know yet keeps the report’s own words', () => {
    expect(checkWords({ name: 'refund ages', description: 'no refund waits a day' })).toEqual({ title: 'refund ages', description: 'no refund waits a day' })
    expect(figureName('refund ages', 'oldestDays')).toBe('oldestDays')
    expect(figureValue('pgProvider', 'inicis')).toBe('inicis')
  })
})
