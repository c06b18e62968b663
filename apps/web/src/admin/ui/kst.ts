const seoulDate = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Seoul', year: 'numeric', month: '2-digit', day: '2-digit' })

/** The Korea-time calendar date of a moment, `YYYY-MM-DD` (the day the summary API counts in). */
export function kstDate(at: Date = new Date()): string {
  return seoulDate.format(at)
}

/** A calendar date `n` days after `date` (negative: before); pure date arithmetic, no time zone. */
export function addDays(date: string, n: number): string {
  const d = new Date(`${date}T00:00:00Z`)
  d.setUTCDate(d.getUTCDate() + n)
  return d.toISOString().slice(0, 10)
}

/** `2026-12-04` as the short label `12/4`. */
export function shortDate(date: string): string {
  const [, m, d] = date.split('-')
  return `${Number(m)}/${Number(d)}`
}

/** `2026-12-04` as `2026년 12월 4일`. */
export function longDate(date: string): string {
  const [y, m, d] = date.split('-')
  return `${y}년 ${Number(m)}월 ${Number(d)}일`
}
