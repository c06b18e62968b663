import { writeFile } from 'node:fs/promises'
import { describeMachine, type MachineInfo } from './machine.ts'
import { renderMarkdownTable } from './table.ts'
import type { Outcome } from './types.ts'

export interface RunSettings {
  durationSec: number
  warmupSec: number
  connections: number
  pipelining: number
  /** Times the whole selection runs (BENCH_ROUNDS); rows show the median round. */
  rounds: number
  smoke: boolean
  filters: string[]
}

/** The whole results.md: machine and date on top, then the table and its notes. */
export function renderResultsMarkdown(outcomes: Outcome[], machine: MachineInfo, settings: RunSettings, date: Date): string {
  const load = `autocannon ${settings.connections} connections, pipelining ${settings.pipelining}, loopback (127.0.0.1), server in its own process`
  return [
    '# Benchmark results',
    '',
    `- Date: ${date.toISOString()}`,
    `- Machine: ${describeMachine(machine)}`,
    `- Runs: ${settings.durationSec} s measured${settings.warmupSec ? ` after ${settings.warmupSec} s warm-up` : ''} each; ${load}`,
    ...(settings.rounds > 1
      ? [`- Rounds: ${settings.rounds}; each row is the median round, each ratio the median of the per-round ratios (the notes list every round)`]
      : []),
    ...(settings.filters.length ? [`- Filter: ${settings.filters.join(', ')} (baselines always run)`] : []),
    ...(settings.smoke ? ['- Smoke run: the harness was exercised, the figures mean nothing'] : []),
    '',
    'Produced by `npm run bench`; the ratio column compares requests/s with the baseline',
    'measured in the same run (the same round). Benchmarks are not tests: nothing here is asserted.',
    '',
    renderMarkdownTable(outcomes),
    '',
  ].join('\n')
}

/** Writes results.md (overwriting the previous run's). */
export async function writeResultsMarkdown(
  path: string,
  outcomes: Outcome[],
  machine: MachineInfo,
  settings: RunSettings,
  date = new Date(),
): Promise<void> {
  await writeFile(path, renderResultsMarkdown(outcomes, machine, settings, date))
}
