import { formatRatio } from './result.ts'
import type { Outcome } from './types.ts'

export const COLUMNS = ['scenario', 'requests/s', 'p50 ms', 'p95 ms', 'p99 ms', 'errors', 'vs baseline'] as const

/** Requests per second: thousands separators, one decimal below 100. */
export function formatRate(v: number): string {
  if (!Number.isFinite(v)) return '—'
  return v < 100 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US')
}

/** Milliseconds with precision that shrinks as the value grows. */
export function formatMs(v: number): string {
  if (!Number.isFinite(v)) return '—'
  return v < 10 ? v.toFixed(2) : v < 1000 ? v.toFixed(1) : Math.round(v).toLocaleString('en-US')
}

/** Baselines first, then by group, keeping the run order inside a group. */
export function orderOutcomes(outcomes: Outcome[]): Outcome[] {
  const rank = (o: Outcome) => (o.group === 'baseline' ? '' : `~${o.group ?? ''}`)
  return outcomes
    .map((o, i) => ({ o, i }))
    .sort((a, b) => (rank(a.o) < rank(b.o) ? -1 : rank(a.o) > rank(b.o) ? 1 : a.i - b.i))
    .map(({ o }) => o)
}

/** The cells of each row, in COLUMNS order. */
export function tableCells(outcomes: Outcome[]): string[][] {
  const byName = new Map(outcomes.map((o) => [o.name, o]))
  return orderOutcomes(outcomes).map((o) => {
    const ratio = !o.baseline
      ? '—'
      : o.ratio !== undefined
        ? formatRatio(o.ratio, 1, o.baseline)
        : formatRatio(o.result?.requestsPerSec ?? Number.NaN, byName.get(o.baseline)?.result?.requestsPerSec, o.baseline)
    if (!o.result) return [o.name, o.skipped ? 'skipped' : 'failed', '—', '—', '—', '—', '—']
    const r = o.result
    return [o.name, formatRate(r.requestsPerSec), formatMs(r.p50Ms), formatMs(r.p95Ms), formatMs(r.p99Ms), String(r.errors), ratio]
  })
}

/** Footnotes: skip reasons, failures and scenario notes, one line each. */
export function tableNotes(outcomes: Outcome[]): string[] {
  return orderOutcomes(outcomes).flatMap((o) => {
    if (o.skipped) return [`${o.name}: skipped: ${o.skipped}`]
    if (o.failed) return [`${o.name}: failed: ${o.failed}`]
    return o.result?.notes ? [`${o.name}: ${o.result.notes}`] : []
  })
}

const numeric = (col: number) => col > 0

/** The table as aligned plain text (stdout). */
export function renderTextTable(outcomes: Outcome[]): string {
  const rows = [[...COLUMNS], ...tableCells(outcomes)]
  const widths = COLUMNS.map((_, c) => Math.max(...rows.map((r) => r[c].length)))
  const line = (r: string[]) =>
    r.map((cell, c) => (numeric(c) && c < COLUMNS.length - 1 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd()
  const rule = widths.map((w) => '-'.repeat(w)).join('  ')
  const notes = tableNotes(outcomes)
  return [line(rows[0]), rule, ...rows.slice(1).map(line), ...(notes.length ? ['', ...notes.map((n) => `* ${n}`)] : [])].join('\n')
}

/** The table as GitHub markdown (results.md). */
export function renderMarkdownTable(outcomes: Outcome[]): string {
  const esc = (s: string) => s.replace(/\|/g, '\\|')
  const header = `| ${COLUMNS.join(' | ')} |`
  const align = `|${COLUMNS.map((_, c) => (numeric(c) && c < COLUMNS.length - 1 ? '---:' : ':---')).join('|')}|`
  const body = tableCells(outcomes).map((r) => `| ${r.map(esc).join(' | ')} |`)
  const notes = tableNotes(outcomes).map((n) => `- ${n}`)
  return [header, align, ...body, ...(notes.length ? ['', ...notes] : [])].join('\n')
}
