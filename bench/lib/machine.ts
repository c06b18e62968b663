import { cpus, loadavg, totalmem } from 'node:os'

export interface MachineInfo {
  cores: number
  cpuModel: string
  node: string
  memoryGiB: number
  /** 1-minute load average when the run started: other work on the box skews figures. */
  loadAverage: number
}

/** The facts a reader needs to compare figures across machines. */
export function machineInfo(): MachineInfo {
  const list = cpus()
  return {
    cores: list.length,
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    node: process.version,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    loadAverage: Math.round(loadavg()[0] * 100) / 100,
  }
}

/** One line: `2 cores, AMD EPYC, Node v20.20.2, 23.4 GiB RAM, load average 0.52 at start`. */
export function describeMachine(m: MachineInfo): string {
  return `${m.cores} cores, ${m.cpuModel}, Node ${m.node}, ${m.memoryGiB} GiB RAM, load average ${m.loadAverage} at start`
}
