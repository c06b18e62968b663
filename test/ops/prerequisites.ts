import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'

// The ops suite runs real tools: say at once which are missing and how to get them,
// rather than let each file fail on its own. `.ci/run` installs and configures them.
const TOOLS: Record<string, string> = {
  podman: 'podman', buildah: 'buildah', runc: 'runc', debootstrap: 'debootstrap',
  nginx: 'nginx', prometheus: 'prometheus', promtool: 'prometheus', kubectl: 'kubernetes-client', openssl: 'openssl',
}

export function setup(): void {
  const missing = Object.entries(TOOLS).filter(([tool]) => {
    try {
      execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore', env: { ...process.env, PATH: `${process.env.PATH}:/usr/sbin:/sbin` } })
      return false
    } catch {
      return true
    }
  })
  const problems: string[] = []
  if (missing.length) problems.push(`missing tools: ${missing.map(([t]) => t).join(', ')} (apt-get install -y ${[...new Set(missing.map(([, p]) => p))].join(' ')})`)
  // initdb and podman run as root here: the clusters belong to the postgres user, the containers to root.
  if (process.getuid?.() !== 0) problems.push('the ops tests run as root (podman, initdb as the postgres user)')
  if (!existsSync('/etc/containers/containers.conf')) problems.push('/etc/containers/containers.conf is missing (runc, cgroupfs, ulimits: see .ci/run)')
  if (problems.length) throw new Error(`test/ops cannot run: ${problems.join('; ')}. \`.ci/run\` (as root) sets this machine up.`)
}
