import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Ajv } from 'ajv'
import formats from 'ajv-formats'
import { parse } from 'yaml'
import { describe, expect, it } from 'vitest'
import { DRAIN_SECONDS, ROOT, SERVICES } from './k8s-rules.ts'

// deploy/docker-compose.yml against the Compose Spec schema (the copy dclint ships),
// plus the shop's own rules: the service is each container's first process, it has
// time to drain, and each service believes exactly the hop in front of it.

// dclint's package exports do not list the schema: read it from the installed package.
const schema = JSON.parse(readFileSync(join(ROOT, 'node_modules/dclint/schemas/compose.schema.json'), 'utf8'))
// It names draft-07 by its https address, which Ajv (draft-07 by default) knows by http only.
delete schema.$schema
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Compose = { services: Record<string, any>; [k: string]: any }
// Compose resolves YAML merge keys (<<: *service) before it reads the file.
const compose = parse(readFileSync(join(ROOT, 'deploy/docker-compose.yml'), 'utf8'), { merge: true }) as Compose

function validate(doc: unknown): string[] {
  const ajv = new Ajv({ allErrors: true, strict: false })
  // A CommonJS module whose default export TypeScript sees one level down.
  const addFormats = (formats as unknown as { default: (a: Ajv) => void }).default ?? (formats as unknown as (a: Ajv) => void)
  addFormats(ajv)
  const check = ajv.compile(schema)
  return check(doc) ? [] : (check.errors ?? []).map((e) => `${e.instancePath} ${e.message}`)
}

const seconds = (d: string): number => {
  const m = /^(\d+)(s|m)$/.exec(d)
  if (!m) throw new Error(`unreadable duration ${d}`)
  return Number(m[1]) * (m[2] === 'm' ? 60 : 1)
}

describe('deploy/docker-compose.yml', () => {
  it('validates against the Compose Spec schema', () => {
    expect(validate(compose)).toEqual([])
  })

  it('is checked by a schema that rejects a wrong type and an unknown key', () => {
    const broken = structuredClone(compose)
    broken.services.gateway.ports = 8080
    broken.services.gateway.restart_policy = 'always'
    const errors = validate(broken).join('\n')
    expect(errors).toContain('/services/gateway/ports must be array')
    expect(errors).toContain('/services/gateway must NOT have additional properties')
  })

  it('runs every service as the first process of a read-only container with time to drain', () => {
    for (const s of SERVICES) {
      const svc = compose.services[s]
      expect(svc.command, s).toEqual([s])
      expect(svc.init, s).toBeUndefined()
      expect(svc.entrypoint, s).toBeUndefined()
      expect(svc.read_only, s).toBe(true)
      expect(seconds(svc.stop_grace_period), s).toBeGreaterThan(DRAIN_SECONDS)
    }
  })

  it('lets the gateway believe only the edge, and every other service only the gateway', () => {
    const address = (name: string) => compose.services[name].networks.shop.ipv4_address as string
    expect(compose.services.gateway.environment.TRUST_PROXY).toBe(address('edge'))
    for (const s of SERVICES.filter((x) => x !== 'gateway')) expect(compose.services[s].environment.TRUST_PROXY, s).toBe(address('gateway'))
    // Clients reach the shop only through the edge.
    expect(compose.services.gateway.ports).toBeUndefined()
  })

  it('sets every variable the edge template uses', () => {
    const template = readFileSync(join(ROOT, 'deploy/nginx/edge.conf.template'), 'utf8').replace(/^#.*$/gm, '')
    const used = [...new Set([...template.matchAll(/\$\{(SHOP_[A-Z_]+)\}/g)].map((m) => m[1]))].sort()
    expect(used.length).toBeGreaterThan(3)
    expect(Object.keys(compose.services.edge.environment).sort()).toEqual(used)
  })
})
