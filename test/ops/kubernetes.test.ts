import { describe, expect, it } from 'vitest'
import { CALLS, deploymentProblems, find, type K8sObject, kustomize, SERVICES } from './k8s-rules.ts'

// deploy/k8s: each overlay renders with `kubectl kustomize`, every object validates
// against the Kubernetes API schema offline (kubernetes-models: types and required
// fields), and the shop's own rules hold (k8s-rules.ts).

async function schemaErrors(obj: K8sObject): Promise<string | null> {
  let mod: Record<string, new (o: unknown) => { validate(): void }>
  try {
    mod = (await import(/* @vite-ignore */ `kubernetes-models/${obj.apiVersion}`)) as typeof mod
  } catch {
    return `${obj.kind}/${obj.metadata.name}: unknown apiVersion ${obj.apiVersion}`
  }
  const Model = mod[obj.kind]
  if (!Model) return `${obj.kind}/${obj.metadata.name}: unknown kind in ${obj.apiVersion}`
  try {
    new Model(obj).validate()
    return null
  } catch (err) {
    return `${obj.kind}/${obj.metadata.name}: ${(err as Error).message}`
  }
}

const proxiesOf = (objs: K8sObject[]): Record<string, string> => find(objs, 'ConfigMap', 'shop-proxies')?.data ?? {}

for (const overlay of ['dev', 'prod'] as const) {
  describe(`overlay ${overlay}`, () => {
    const objs = kustomize(`deploy/k8s/overlays/${overlay}`)

    it('renders objects that all validate against the Kubernetes API schema', async () => {
      expect(objs.length).toBeGreaterThan(10)
      const errors = (await Promise.all(objs.map(schemaErrors))).filter(Boolean)
      expect(errors).toEqual([])
    })

    it('puts everything in its own namespace', () => {
      const ns = overlay === 'dev' ? 'shop-dev' : 'shop'
      expect(find(objs, 'Namespace', ns)).toBeDefined()
      expect(objs.filter((o) => o.kind !== 'Namespace' && o.metadata.namespace !== ns).map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([])
    })

    it('gives every service a Deployment that keeps the rules (probes, resources, securityContext, grace, TRUST_PROXY)', () => {
      const problems = SERVICES.flatMap((s) => {
        const dep = find(objs, 'Deployment', s)
        return dep ? deploymentProblems(dep, proxiesOf(objs), s) : [`${s}: no Deployment`]
      })
      expect(problems).toEqual([])
      for (const s of SERVICES) expect(find(objs, 'Service', s)?.spec.ports[0].targetPort).toBe('http')
    })

    it('runs the audit CronJob as the non-root, read-only image user', () => {
      const pod = find(objs, 'CronJob', 'audit')?.spec.jobTemplate.spec.template.spec
      expect(pod.securityContext.runAsNonRoot).toBe(true)
      expect(pod.containers[0].securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false })
    })
  })
}

describe('overlay dev', () => {
  const objs = kustomize('deploy/k8s/overlays/dev')

  it('runs one replica of each service against in-cluster PostgreSQL, RabbitMQ and Redis', () => {
    for (const s of SERVICES) expect(find(objs, 'Deployment', s)?.spec.replicas, s).toBe(1)
    for (const server of ['postgres', 'rabbitmq', 'redis']) {
      expect(find(objs, 'StatefulSet', server), server).toBeDefined()
      expect(find(objs, 'Service', server), server).toBeDefined()
    }
    const servers = find(objs, 'Secret', 'shop-servers')
    const url = (key: string) => new URL(Buffer.from(servers?.data[key], 'base64').toString())
    expect([url('PG_URL').hostname, url('AMQP_URL').hostname, url('REDIS_URL').hostname]).toEqual(['postgres', 'rabbitmq', 'redis'])
  })

  it('lets the gateway believe no X-Forwarded-For (nothing is in front of it) and the others believe the pod network', () => {
    expect(proxiesOf(objs)).toEqual({ EDGE: '', GATEWAY: '10.244.0.0/16' })
  })
})

describe('overlay prod', () => {
  const objs = kustomize('deploy/k8s/overlays/prod')
  const policy = (name: string) => find(objs, 'NetworkPolicy', name)
  type Peer = { podSelector?: { matchLabels: Record<string, string> }; namespaceSelector?: { matchLabels: Record<string, string> } }
  const pods = (peers: Peer[]) => peers.filter((p) => p.podSelector && !p.namespaceSelector).map((p) => p.podSelector!.matchLabels['app.kubernetes.io/name']).sort()
  const namespaces = (peers: Peer[]) => peers.filter((p) => p.namespaceSelector).map((p) => p.namespaceSelector!.matchLabels['kubernetes.io/metadata.name']).sort()

  it('takes the servers from secrets, not from the cluster', () => {
    expect(objs.filter((o) => o.kind === 'StatefulSet' || o.kind === 'Secret')).toEqual([])
    const env = find(objs, 'Deployment', 'order')?.spec.template.spec.containers[0].env
    expect(env.find((e: { name: string }) => e.name === 'PG_URL').valueFrom.secretKeyRef.name).toBe('shop-servers')
  })

  it('autoscales every service from two replicas, leaves the count to the HPA and keeps one through disruptions', () => {
    for (const s of SERVICES) {
      expect(find(objs, 'Deployment', s)?.spec.replicas, s).toBeUndefined()
      const hpa = find(objs, 'HorizontalPodAutoscaler', s)
      expect(hpa?.spec.scaleTargetRef, s).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: s })
      expect(hpa?.spec.minReplicas, s).toBeGreaterThanOrEqual(2)
      const pdb = find(objs, 'PodDisruptionBudget', s)
      expect(pdb?.spec, s).toEqual({ minAvailable: 1, selector: { matchLabels: { 'app.kubernetes.io/name': s } } })
    }
  })

  it('denies all traffic by default and lets only the gateway take traffic from outside the namespace', () => {
    expect(policy('default-deny')?.spec).toEqual({ podSelector: {}, policyTypes: ['Ingress', 'Egress'] })
    for (const s of SERVICES) {
      const from: Peer[] = policy(s)?.spec.ingress.flatMap((r: { from: Peer[] }) => r.from)
      expect(namespaces(from), s).toEqual(s === 'gateway' ? ['ingress-nginx', 'monitoring'] : ['monitoring'])
    }
  })

  it('lets each service be reached only by its callers and reach only what it calls', () => {
    for (const s of SERVICES) {
      const spec = policy(s)?.spec
      const callers = SERVICES.filter((c) => CALLS[c].includes(s))
      const expectedFrom = s === 'gateway' ? ['audit'] : [...callers].sort()
      expect(pods(spec.ingress.flatMap((r: { from: Peer[] }) => r.from)), `${s} ingress`).toEqual(expectedFrom)
      expect(pods(spec.egress.flatMap((r: { to: Peer[] }) => r.to ?? [])), `${s} egress`).toEqual([...CALLS[s]].sort())
    }
  })

  it('passes HTTPS from the Ingress to the gateway only', () => {
    const ingresses = objs.filter((o) => o.kind === 'Ingress')
    expect(ingresses.map((i) => i.spec.rules[0].http.paths[0].backend.service.name)).toEqual(['gateway'])
    expect(ingresses[0].spec.tls[0].secretName).toBeTruthy()
  })
})

describe('the rules themselves', () => {
  const objs = kustomize('deploy/k8s/overlays/prod')
  const proxies = proxiesOf(objs)
  const auth = () => structuredClone(find(objs, 'Deployment', 'auth')!)

  it('the schema check rejects a wrong type and a missing required field', async () => {
    const broken = auth()
    broken.spec.replicas = 'two'
    delete broken.spec.template.spec.containers[0].name
    const error = await schemaErrors(broken)
    expect(error).toContain('spec/replicas must be integer')
    expect(error).toContain('containers/0 must have required property name')
  })

  it('report a missing readiness probe, grace period or securityContext', () => {
    const noProbe = auth()
    delete noProbe.spec.template.spec.containers[0].readinessProbe
    expect(deploymentProblems(noProbe, proxies, 'auth')).toEqual(['auth: readiness probe is not GET /health/ready'])

    const shortGrace = auth()
    shortGrace.spec.template.spec.terminationGracePeriodSeconds = 15
    expect(deploymentProblems(shortGrace, proxies, 'auth')).toEqual([
      'auth: terminationGracePeriodSeconds 15 is not longer than the preStop pause (5 s) plus the drain (10 s)',
    ])

    const noContext = auth()
    delete noContext.spec.template.spec.containers[0].securityContext
    delete noContext.spec.template.spec.securityContext
    expect(deploymentProblems(noContext, proxies, 'auth')).toEqual([
      'auth: runAsNonRoot is not true',
      'auth: root filesystem is not read-only',
      'auth: privilege escalation is not disallowed',
    ])
  })

  it('report a TRUST_PROXY that believes everybody or the wrong hop, and a command that replaces the service as first process', () => {
    expect(deploymentProblems(auth(), { ...proxies, GATEWAY: '0.0.0.0/0' }, 'auth')).toEqual([
      'auth: TRUST_PROXY entry 0.0.0.0/0 is not one address or a bounded CIDR',
    ])
    expect(deploymentProblems(auth(), { ...proxies, GATEWAY: 'true' }, 'auth')).toEqual(['auth: TRUST_PROXY trusts every hop'])
    const wrongHop = auth()
    wrongHop.spec.template.spec.containers[0].env.find((e: { name: string }) => e.name === 'TRUST_PROXY').valueFrom.configMapKeyRef.key = 'EDGE'
    expect(deploymentProblems(wrongHop, proxies, 'auth')).toEqual(['auth: TRUST_PROXY does not come from shop-proxies GATEWAY'])
    const viaNpm = auth()
    viaNpm.spec.template.spec.containers[0].command = ['npm', 'run', 'start:service', '--']
    expect(deploymentProblems(viaNpm, proxies, 'auth')).toEqual(["auth: overrides the image's command, so SIGTERM may not reach the service"])
  })
})
