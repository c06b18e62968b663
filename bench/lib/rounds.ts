import { formatRatio } from './result.ts'
import { formatRate } from './table.ts'
import type { Outcome } from './types.ts'

/**
 * BENCH_ROUNDS > 1: every selected scenario runs once per round, in the same order, so a
 * scenario and its baseline are measured minutes apart in every round. On a shared VM the
 * host's load drifts between runs by more than most changes being measured; one run's
 * ratio can be off by a third. The combined row is the round with the median requests/s
 * (its latencies and notes as measured), and its ratio is the median of the per-round
 * ratios (each against the baseline of the same round), so a slow stretch of the host
 * shifts one round's pair, not the figure.
 */

/** Requests/s of the baseline a round's outcome is judged against: its paired measurements' mean when it has them. */
export function baselineRate(o: Outcome, round: Outcome[]): number | undefined {
  if (o.pairedBaseline) return (o.pairedBaseline.before + o.pairedBaseline.after) / 2
  return round.find((r) => r.name === o.baseline)?.result?.requestsPerSec
}

/** The ratio of one round's outcome to its baseline, or undefined when either was not measured. */
export function roundRatio(o: Outcome, round: Outcome[]): number | undefined {
  const base = baselineRate(o, round)
  return o.result && base !== undefined && base > 0 ? o.result.requestsPerSec / base : undefined
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

/** One outcome per scenario from several rounds' outcomes (each round in the same order). */
export function combineRounds(rounds: Outcome[][]): Outcome[] {
  if (rounds.length === 1) {
    const only = rounds[0] ?? []
    // a paired baseline makes the ratio the scenario's own, not the two rows' quotient
    return only.some((o) => o.pairedBaseline) ? only.map((o) => (o.pairedBaseline ? { ...o, ratio: roundRatio(o, only) } : o)) : only
  }
  const first = rounds[0] ?? []
  return first.map((o) => {
    const runs = rounds.map((round) => round.find((r) => r.name === o.name)).filter((r): r is Outcome => r !== undefined)
    const measured = runs.filter((r) => r.result)
    if (measured.length === 0) return o
    const rates = measured.map((r) => r.result!.requestsPerSec)
    const mid = median(rates)
    // The round closest to the median stands for the scenario (an even count has no middle
    // round): the median of its figure when it has one, else of its requests/s.
    const judged = (r: Outcome) => r.result!.figure?.value ?? r.result!.requestsPerSec
    const midJudged = median(measured.map(judged))
    const chosen = measured.reduce((best, r) => (Math.abs(judged(r) - midJudged) < Math.abs(judged(best) - midJudged) ? r : best))
    const figure = chosen.result!.figure
    const figures = figure
      ? `; ${figure.name} per round ${measured.map((r) => `${r.result!.figure?.value.toFixed(2) ?? '—'}`).join(', ')} ${figure.unit}`
      : ''
    const ratios: number[] = []
    if (o.baseline) {
      rounds.forEach((round) => {
        const self = round.find((r) => r.name === o.name)
        const ratio = self && roundRatio(self, round)
        if (ratio !== undefined) ratios.push(ratio)
      })
    }
    const failedRounds = runs.length - measured.length
    const summary =
      `median of ${measured.length} rounds (requests/s ${rates.map(formatRate).join(', ')}` +
      (ratios.length
        ? `; ratio to ${o.baseline}${o.pairedBaseline ? ' (measured right before and after)' : ''} per round ${ratios.map((r) => formatRatio(r, 1, '').replace('× ', '')).join(', ')}`
        : '') +
      figures +
      `)${failedRounds ? `; ${failedRounds} round(s) failed or skipped` : ''}`
    const notes = chosen.result!.notes ? `${chosen.result!.notes}; ${summary}` : summary
    return {
      ...chosen,
      result: { ...chosen.result!, requestsPerSec: mid, notes },
      ...(ratios.length ? { ratio: median(ratios) } : {}),
    }
  })
}
