import { readdirSync, readFileSync } from 'node:fs'

// Where a run's CPU went, read from Linux's /proc: the machine's busy time and each
// process group's (PostgreSQL, RabbitMQ, Redis, every shop service, the load generator).
// A throughput ratio says how far a scenario is from its target; this says why: a
// checkout that costs the machine N pgbench transactions' CPU cannot run faster than
// 1/N of pgbench's rate, however it is tuned. Elsewhere than Linux nothing is read.

/** Linux reports process times in USER_HZ ticks, 100 per second on every mainstream architecture. */
const TICK_MS = 10

/** Busy milliseconds of the machine from /proc/stat's `cpu` line: everything but idle, iowait and steal (another guest's). */
export function parseMachineBusyMs(procStat: string): number {
  const line = procStat.split('\n').find((l) => l.startsWith('cpu '))
  if (!line) throw new Error('/proc/stat has no cpu line')
  const [user, nice, system, , , irq, softirq] = line.trim().split(/\s+/).slice(1).map(Number)
  return (user + nice + system + irq + softirq) * TICK_MS
}

/** utime + stime in milliseconds from /proc/<pid>/stat; the command name may hold spaces and parentheses. */
export function parseProcessCpuMs(pidStat: string): number {
  const fields = pidStat.slice(pidStat.lastIndexOf(')') + 2).split(' ')
  // After the name: state is field 3, utime 14 and stime 15 (1-based, man 5 proc).
  return (Number(fields[11]) + Number(fields[12])) * TICK_MS
}

/** The group a process's CPU is counted under, from its command line (NUL-separated); undefined: "other". */
export function processGroup(cmdline: string, pid: number, selfPid: number): string | undefined {
  if (pid === selfPid) return 'load generator'
  const service = /start-service\.ts\0(\w+)/.exec(cmdline)
  if (service) return `service:${service[1]}`
  if (/start-embedded\.ts/.test(cmdline)) return 'shop (embedded)'
  const argv0 = cmdline.split('\0')[0] ?? ''
  if (/(^|\/)postgres(:|$)/.test(argv0) || argv0.startsWith('postgres:')) return 'postgresql'
  if (/beam\.smp|(^|\/)erl$/.test(argv0)) return 'rabbitmq'
  if (/(^|\/)redis-server/.test(argv0)) return 'redis'
  if (/(^|\/)pgbench$/.test(argv0)) return 'pgbench'
  return undefined
}

export interface CpuSnapshot {
  atMs: number
  machineBusyMs: number
  /** CPU milliseconds of each live process, with its group. */
  processes: Map<number, { group: string | undefined; cpuMs: number }>
}

/** The machine's and every process's CPU so far; undefined where /proc cannot be read. */
export function cpuSnapshot(): CpuSnapshot | undefined {
  let machineBusyMs: number
  try {
    machineBusyMs = parseMachineBusyMs(readFileSync('/proc/stat', 'utf8'))
  } catch {
    return undefined
  }
  const processes = new Map<number, { group: string | undefined; cpuMs: number }>()
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue
    const pid = Number(name)
    try {
      const cpuMs = parseProcessCpuMs(readFileSync(`/proc/${pid}/stat`, 'utf8'))
      processes.set(pid, { group: processGroup(readFileSync(`/proc/${pid}/cmdline`, 'utf8'), pid, process.pid), cpuMs })
    } catch {
      // Gone between the listing and the read.
    }
  }
  return { atMs: performance.now(), machineBusyMs, processes }
}

export interface CpuSpent {
  wallMs: number
  machineBusyMs: number
  /** CPU ms per group between the snapshots, "other" being the machine's busy time no group accounts for. */
  groups: Record<string, number>
}

/**
 * The CPU spent between two snapshots. A process started in between counts from zero; one
 * that ended in between is lost to its group and shows up under "other" (the machine's
 * busy time is complete either way).
 */
export function cpuSpent(before: CpuSnapshot, after: CpuSnapshot): CpuSpent {
  const groups: Record<string, number> = {}
  let grouped = 0
  for (const [pid, now] of after.processes) {
    if (!now.group) continue
    const spent = now.cpuMs - (before.processes.get(pid)?.cpuMs ?? 0)
    if (spent <= 0) continue
    groups[now.group] = (groups[now.group] ?? 0) + spent
    grouped += spent
  }
  const machineBusyMs = after.machineBusyMs - before.machineBusyMs
  groups.other = Math.max(0, machineBusyMs - grouped)
  return { wallMs: after.atMs - before.atMs, machineBusyMs, groups }
}

/** Measures `work`'s CPU; `spent` is undefined where /proc cannot be read. */
export async function withCpuAccounting<T>(work: () => Promise<T>): Promise<{ value: T; spent?: CpuSpent }> {
  const before = cpuSnapshot()
  const value = await work()
  const after = cpuSnapshot()
  return { value, spent: before && after ? cpuSpent(before, after) : undefined }
}

/** Machine CPU per operation that a baseline measured in this run, so later scenarios can price theirs in its units. */
const perOperation = new Map<string, number>()

export function recordCpuPerOperation(scenario: string, ms: number): void {
  perOperation.set(scenario, ms)
}

export function cpuPerOperation(scenario: string): number | undefined {
  return perOperation.get(scenario)
}

const fmt = (ms: number) => (ms >= 10 ? ms.toFixed(0) : ms.toFixed(1))

/**
 * `machine CPU 51 ms per order (postgresql 12.6, order 9.3, …, other 1.2)`: the groups
 * largest first, services by name; groups under 2% of the total folded into "other".
 */
export function describeCpuPerOperation(spent: CpuSpent, operations: number, unit: string): string {
  const per = (ms: number) => ms / operations
  const total = per(spent.machineBusyMs)
  const entries = Object.entries(spent.groups).filter(([name]) => name !== 'other')
  let other = spent.groups.other ?? 0
  const shown = entries.filter(([, ms]) => {
    if (per(ms) >= total * 0.02) return true
    other += ms
    return false
  })
  shown.sort((a, b) => b[1] - a[1])
  const parts = [...shown.map(([name, ms]) => `${name.replace(/^service:/, '')} ${fmt(per(ms))}`), `other ${fmt(per(other))}`]
  return `machine CPU ${fmt(total)} ms per ${unit} (${parts.join(', ')})`
}
