import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { expect } from 'vitest'

export { launchBrowser } from './chromium.ts'

export const PHONE = { width: 390, height: 844 }
export const DESKTOP = { width: 1440, height: 900 }

/** A fresh browser profile (its own storage) at a screen size, in Korean. */
export async function newContext(browser: Browser, viewport: { width: number; height: number }): Promise<BrowserContext> {
  const ctx = await browser.newContext({ viewport, locale: 'ko-KR', timezoneId: 'Asia/Seoul', hasTouch: viewport.width < 600 })
  ctx.setDefaultTimeout(15_000)
  return ctx
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

/**
 * axe-core on the page as it is now: fails on any violation of impact serious or critical,
 * naming the rule and the elements. axe is added by the test harness, not by the page.
 */
export async function expectAccessible(page: Page, label: string): Promise<void> {
  // evaluated through the debugging protocol: the page's CSP rightly refuses inline scripts
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource)
  const result = (await page.evaluate(async () => {
    // @ts-expect-error axe is injected above
    const r = await window.axe.run(document, { resultTypes: ['violations'] })
    return r.violations.map((v: { id: string; impact: string; nodes: { target: string[] }[] }) => ({ id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }))
  })) as { id: string; impact: string; targets: string[] }[]
  const serious = result.filter((v) => v.impact === 'serious' || v.impact === 'critical')
  expect(serious, `${label}: axe violations ${JSON.stringify(serious)}`).toEqual([])
}

/** Console errors and uncaught exceptions of a page, collected while a test runs. */
export function watchErrors(page: Page): string[] {
  const errors: string[] = []
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of (401|404|409)/.test(m.text())) errors.push(`console: ${m.text()}`)
  })
  return errors
}
