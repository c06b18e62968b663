const won = new Intl.NumberFormat('ko-KR', { maximumFractionDigits: 0 })
const seoul = new Intl.DateTimeFormat('ko-KR', {
  timeZone: 'Asia/Seoul',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
})
const seoulDay = new Intl.DateTimeFormat('ko-KR', { timeZone: 'Asia/Seoul', year: 'numeric', month: 'numeric', day: 'numeric' })

/** Integer KRW as the shop writes it: `12,000원`. */
export function formatWon(amount: number): string {
  return `${won.format(Math.round(amount))}원`
}

function parts(fmt: Intl.DateTimeFormat, at: Date | string): Record<string, string> {
  const out: Record<string, string> = {}
  for (const p of fmt.formatToParts(typeof at === 'string' ? new Date(at) : at)) out[p.type] = p.value
  return out
}

/** A moment in Korea time: `2026년 12월 4일 14:05`. */
export function formatDateTime(at: Date | string): string {
  const p = parts(seoul, at)
  return `${p.year}년 ${p.month}월 ${p.day}일 ${p.hour}:${p.minute}`
}

/** A day in Korea time: `2026년 12월 4일`. */
export function formatDate(at: Date | string): string {
  const p = parts(seoulDay, at)
  return `${p.year}년 ${p.month}월 ${p.day}일`
}
