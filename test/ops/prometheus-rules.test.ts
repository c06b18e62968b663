import { execFile } from 'node:child_process'
import { copyFileSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { ROOT, tempDir } from './support.ts'

// deploy/prometheus: the config and the alert rules pass promtool's checks, and the
// rules' unit tests (shop.rules.test.yml) pass, with a firing and a quiet case for every
// alert. test/ops/observability.test.ts runs them in a real Prometheus against a shop.

const run = promisify(execFile)
const RULES = join(ROOT, 'deploy/prometheus/rules')
const promtool = (...args: string[]) => run('promtool', args, { cwd: RULES }).then(
  (r) => ({ code: 0, out: r.stdout + r.stderr }),
  (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
)

describe('deploy/prometheus', () => {
  it('has a config and alert rules that promtool accepts', async () => {
    const config = await run('promtool', ['check', 'config', join(ROOT, 'deploy/prometheus/prometheus.yml')])
    expect(config.stdout).toContain('SUCCESS')
    const rules = await promtool('check', 'rules', 'shop.rules.yml')
    expect(rules.out).toContain('SUCCESS: 10 rules found')
  })

  it('passes the rules\' unit tests', async () => {
    const result = await promtool('test', 'rules', 'shop.rules.test.yml')
    expect(result.out).toContain('SUCCESS')
    expect(result.code).toBe(0)
  })

  it('tests every alert both firing and quiet', () => {
    const alerts = (parse(readFileSync(join(RULES, 'shop.rules.yml'), 'utf8')) as { groups: { rules: { alert: string }[] }[] }).groups
      .flatMap((g) => g.rules.map((r) => r.alert))
    type Case = { alert_rule_test: { alertname: string; exp_alerts: unknown[] }[] }
    const cases = (parse(readFileSync(join(RULES, 'shop.rules.test.yml'), 'utf8')) as { tests: Case[] }).tests.flatMap((t) => t.alert_rule_test)
    for (const alert of alerts) {
      const mine = cases.filter((c) => c.alertname === alert)
      expect(mine.some((c) => c.exp_alerts.length > 0), `${alert} fires in a case`).toBe(true)
      expect(mine.some((c) => c.exp_alerts.length === 0), `${alert} stays quiet in a case`).toBe(true)
    }
  })

  it('has unit tests that fail when an alert\'s threshold changes', async () => {
    const dir = tempDir('ops-rules')
    try {
      copyFileSync(join(RULES, 'shop.rules.test.yml'), join(dir.path, 'shop.rules.test.yml'))
      const rules = readFileSync(join(RULES, 'shop.rules.yml'), 'utf8').replace('max by (service) (dead_letter_messages) > 0', 'max by (service) (dead_letter_messages) > 5')
      writeFileSync(join(dir.path, 'shop.rules.yml'), rules)
      const result = await run('promtool', ['test', 'rules', 'shop.rules.test.yml'], { cwd: dir.path }).then(() => 0, (e: { code: number }) => e.code)
      expect(result).toBe(1)
    } finally {
      dir.remove()
    }
  })
})
