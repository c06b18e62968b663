import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { isIP } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseAllDocuments } from 'yaml'

/**
 * The project's own rules for deploy/k8s, on top of the API schema: what every shop
 * Deployment must carry so that a rollout drains, a broken pod leaves the Service, the
 * container cannot write or escalate, and the rate limits see the real client.
 */

export const ROOT = new URL('../..', import.meta.url).pathname
export const SERVICES = ['gateway', 'auth', 'product', 'order', 'payment', 'shipping'] as const
export type ServiceName = (typeof SERVICES)[number]
/** Who calls whom over HTTP (DESIGN.md); every service fetches auth's JWKS to check tokens. */
export const CALLS: Record<ServiceName, ServiceName[]> = {
  gateway: ['auth', 'product', 'order', 'payment', 'shipping'],
  auth: [],
  product: ['auth'],
  order: ['auth', 'product', 'shipping'],
  payment: ['auth', 'order'],
  shipping: ['auth'],
}
/** The longest graceful stop a service takes (packages/platform/src/lifecycle.ts, timeoutMs). */
export const DRAIN_SECONDS = 10

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; [k: string]: any }; [k: string]: any }

/** `kubectl kustomize <dir>` with a dummy KUBECONFIG (without one kubectl would talk to localhost:8080, the shop). */
export function kustomize(dir: string): K8sObject[] {
  const home = mkdtempSync(join(tmpdir(), 'ops-kube-'))
  const kubeconfig = join(home, 'config')
  writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n')
  let out: string
  try {
    out = execFileSync('kubectl', ['kustomize', dir], {
      cwd: ROOT,
      env: { ...process.env, KUBECONFIG: kubeconfig, HOME: home },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    })
  } finally {
    rmSync(home, { recursive: true, force: true })
  }
  return parseAllDocuments(out).map((d) => d.toJSON() as K8sObject).filter(Boolean)
}

export const find = (objs: K8sObject[], kind: string, name: string): K8sObject | undefined =>
  objs.find((o) => o.kind === kind && o.metadata.name === name)

function validTrustEntry(entry: string): boolean {
  const [addr, bits, extra] = entry.split('/')
  const family = isIP(addr)
  if (!family || extra !== undefined) return false
  if (bits === undefined) return true
  const n = Number(bits)
  // A CIDR that covers every address trusts everybody: the same as TRUST_PROXY=true.
  return Number.isInteger(n) && n > 0 && n <= (family === 4 ? 32 : 128)
}

/** What the Deployment of `service` breaks of the project's rules (empty when none). */
export function deploymentProblems(dep: K8sObject, proxies: Record<string, string>, service: ServiceName): string[] {
  const problems: string[] = []
  const say = (what: string) => problems.push(`${dep.metadata.name}: ${what}`)
  const pod = dep.spec?.template?.spec ?? {}
  const containers: K8sObject[] = pod.containers ?? []
  const c = containers.find((x) => x.name === service)
  if (!c) return [`${dep.metadata.name}: no container named ${service}`]

  // The image's entry point (node running the service) must stay the first process.
  if (c.command) say('overrides the image\'s command, so SIGTERM may not reach the service')
  if (JSON.stringify(c.args) !== JSON.stringify([service])) say(`args ${JSON.stringify(c.args)} do not name the service`)

  if (c.readinessProbe?.httpGet?.path !== '/health/ready') say('readiness probe is not GET /health/ready')
  if (c.livenessProbe?.httpGet?.path !== '/health') say('liveness probe is not GET /health')
  if (!c.resources?.requests?.cpu || !c.resources?.requests?.memory) say('no CPU and memory requests')
  if (!c.resources?.limits?.memory) say('no memory limit')

  const psc = pod.securityContext ?? {}
  const csc = c.securityContext ?? {}
  const runAsNonRoot = csc.runAsNonRoot ?? psc.runAsNonRoot
  const runAsUser = csc.runAsUser ?? psc.runAsUser
  if (runAsNonRoot !== true) say('runAsNonRoot is not true')
  if (runAsUser === 0) say('runs as uid 0')
  if (csc.readOnlyRootFilesystem !== true) say('root filesystem is not read-only')
  if (csc.allowPrivilegeEscalation !== false) say('privilege escalation is not disallowed')

  const preStop = c.lifecycle?.preStop?.exec?.command as string[] | undefined
  const pause = preStop?.[0] === 'sleep' ? Number(preStop[1]) : 0
  const grace = pod.terminationGracePeriodSeconds
  if (typeof grace !== 'number') say('no terminationGracePeriodSeconds')
  else if (grace <= pause + DRAIN_SECONDS) say(`terminationGracePeriodSeconds ${grace} is not longer than the preStop pause (${pause} s) plus the drain (${DRAIN_SECONDS} s)`)

  const trust = (c.env ?? []).find((e: { name: string }) => e.name === 'TRUST_PROXY')
  const expectedKey = service === 'gateway' ? 'EDGE' : 'GATEWAY'
  const ref = trust?.valueFrom?.configMapKeyRef
  if (!trust) say('no TRUST_PROXY')
  else if (ref?.name !== 'shop-proxies' || ref?.key !== expectedKey) say(`TRUST_PROXY does not come from shop-proxies ${expectedKey}`)
  else {
    const value = proxies[expectedKey]
    if (value === undefined) say(`shop-proxies has no ${expectedKey}`)
    else if (value.trim() === 'true') say('TRUST_PROXY trusts every hop')
    else {
      for (const entry of value.split(',').map((s) => s.trim()).filter(Boolean)) {
        if (!validTrustEntry(entry)) say(`TRUST_PROXY entry ${entry} is not one address or a bounded CIDR`)
      }
    }
  }
  return problems
}
