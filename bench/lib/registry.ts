import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { isScenario, type Scenario } from './types.ts'

/** Every Scenario exported by bench/scenarios/*.ts, in file-name order; names must be unique. */
export async function loadScenarios(dir: string): Promise<Scenario[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).sort()
  const found: Scenario[] = []
  for (const file of files) {
    const mod = (await import(pathToFileURL(join(dir, file)).href)) as Record<string, unknown>
    for (const value of Object.values(mod)) {
      if (isScenario(value) && !found.includes(value)) found.push(value)
    }
  }
  const seen = new Set<string>()
  for (const s of found) {
    if (seen.has(s.name)) throw new Error(`two scenarios are named ${s.name}`)
    seen.add(s.name)
  }
  return found
}

/**
 * The scenarios to run: the baselines always (every figure is read against a baseline
 * measured in the same run), plus those whose name contains one of the filters
 * (case-insensitive), or all of them when there is no filter.
 */
export function selectScenarios(all: Scenario[], filters: string[]): Scenario[] {
  const wanted = filters.map((f) => f.toLowerCase())
  const matches = (s: Scenario) => wanted.length === 0 || wanted.some((f) => s.name.toLowerCase().includes(f))
  const byName = new Map(all.map((s) => [s.name, s]))
  const chosen = new Set(all.filter((s) => s.group === 'baseline' || matches(s)))
  // A chosen scenario's baseline runs too, even when it is not in the 'baseline' group.
  for (const s of [...chosen]) {
    let base = s.baseline ? byName.get(s.baseline) : undefined
    while (base && !chosen.has(base)) {
      chosen.add(base)
      base = base.baseline ? byName.get(base.baseline) : undefined
    }
  }
  // Baselines first so the ratios compare against figures taken before the heavier runs,
  // and every scenario after the one it is compared to.
  const ordered: Scenario[] = []
  const place = (s: Scenario, depth = 0) => {
    if (ordered.includes(s) || !chosen.has(s) || depth > all.length) return
    const base = s.baseline ? byName.get(s.baseline) : undefined
    if (base) place(base, depth + 1)
    if (!ordered.includes(s)) ordered.push(s)
  }
  for (const s of all) if (s.group === 'baseline') place(s)
  for (const s of all) place(s)
  return ordered
}
