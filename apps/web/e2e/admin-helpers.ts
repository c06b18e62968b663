import type { Page } from 'playwright-core'
import { expect } from 'vitest'

/** Signs in through the storefront's form and lands on `next` (an /admin path). */
export async function signIn(page: Page, base: string, who: { email: string; password: string }, next = '/admin') {
  await page.goto(`${base}/login?next=${encodeURIComponent(next)}`)
  await page.getByRole('textbox', { name: '이메일' }).fill(who.email)
  await page.getByLabel('비밀번호').fill(who.password)
  await page.getByRole('button', { name: '로그인' }).click()
  await page.waitForURL((u) => u.pathname === next)
}

/** The accessible name of what has the focus: its label, aria-label or text. */
export function focusedName(page: Page): Promise<string> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null
    if (!el) return ''
    const labelled = el.getAttribute('aria-label')
    if (labelled) return labelled
    const input = el as HTMLInputElement
    const label = input.labels?.[0]?.textContent
    return (label ?? el.textContent ?? '').trim()
  })
}

/** Presses Tab until the control named `name` has the focus (keyboard only, as a person would). */
export async function tabTo(page: Page, name: string | RegExp, max = 60): Promise<void> {
  const seen: string[] = []
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab')
    const now = await focusedName(page)
    if (typeof name === 'string' ? now === name : name.test(now)) return
    seen.push(now)
  }
  expect.fail(`Tab never reached ${String(name)}; focus went through ${JSON.stringify(seen)}`)
}

/** With a <select> focused, moves through its options with the arrow keys until `label` is chosen. */
export async function arrowToOption(page: Page, label: string, max = 60): Promise<void> {
  for (let i = 0; i < max; i++) {
    const chosen = await page.evaluate(() => {
      const s = document.activeElement as HTMLSelectElement
      return s.options[s.selectedIndex]?.text
    })
    if (chosen === label) return
    await page.keyboard.press('ArrowDown')
  }
  expect.fail(`option ${label} not reached with the arrow keys`)
}

/** Waits for a condition on the page (asked again until it holds, for up to 15 s: the machine may be busy). */
export function until<T>(fn: () => Promise<T> | T, timeout = 15_000) {
  return expect.poll(fn, { timeout })
}
