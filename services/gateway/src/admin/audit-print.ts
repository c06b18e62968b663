import type { AuditReport, Figures } from './audit-types.ts'

const figureText = (figures: Figures): string =>
  Object.entries(figures)
    .map(([k, v]) => `${k.replace(/ /g, '_')}=${v === null ? '–' : v}`)
    .join('  ')

/** The report as a plain-text table: one row per check with its figures, each violation beneath it. */
export function formatReport(report: AuditReport): string {
  const width = Math.max(5, ...report.checks.map((c) => c.name.length))
  const failed = report.checks.filter((c) => !c.ok).length
  const lines = [
    `Consistency audit at ${report.at} (grace ${report.graceSeconds} s): ` +
      (report.ok ? `OK, ${report.checks.length} checks passed` : `FAILED, ${failed} of ${report.checks.length} checks`),
    '',
    `${'CHECK'.padEnd(width)}  RESULT  FIGURES`,
  ]
  for (const c of report.checks) {
    lines.push(`${c.name.padEnd(width)}  ${(c.ok ? 'ok' : 'FAIL').padEnd(6)}  ${figureText(c.figures)}`)
    for (const v of c.violations) lines.push(`${' '.repeat(width)}    ✗ ${v.subject}: ${v.message}`)
    if (c.violationCount > c.violations.length) {
      lines.push(`${' '.repeat(width)}    … and ${c.violationCount - c.violations.length} more`)
    }
  }
  return lines.join('\n')
}
