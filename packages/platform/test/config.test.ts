import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { Type } from '@sinclair/typebox'
import { describe, expect, it } from 'vitest'
import { ConfigError, Env, loadConfig } from '../src/config.ts'

const Schema = Type.Object({
  SECRET: Env.string(),
  PORT: Env.port(8080),
  LIMIT: Env.int(30),
  DEBUG: Env.bool(false),
  MODE: Env.enum(['a', 'b'], 'a'),
  URL: Env.optionalUrl(),
})

describe('loadConfig', () => {
  it('when every variable is valid, values are converted and defaults applied', () => {
    const cfg = loadConfig(Schema, { SECRET: 's', LIMIT: '0', DEBUG: 'true' })
    expect(cfg).toEqual({ SECRET: 's', PORT: 8080, LIMIT: 0, DEBUG: true, MODE: 'a' })
  })

  it('when a required variable is missing, the error names it', () => {
    expect(() => loadConfig(Schema, {})).toThrowError(/SECRET: is required/)
  })

  it('when several values are bad, every variable is named once', () => {
    try {
      loadConfig(Schema, { SECRET: 'x', PORT: 'eighty', MODE: 'c', URL: 'not a url' })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError)
      const vars = (err as ConfigError).problems.map((p) => p.variable).sort()
      expect(vars).toEqual(['MODE', 'PORT', 'URL'])
    }
  })

  it('when a port is out of range, it is refused', () => {
    expect(() => loadConfig(Schema, { SECRET: 'x', PORT: '70000' })).toThrowError(/PORT/)
  })
})

describe('a process with bad configuration', () => {
  const root = fileURLToPath(new URL('../../..', import.meta.url))

  it('stops at boot with exit code 78 (EX_CONFIG: a restart would fail the same way) and names the variable', () => {
    const res = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/start-service.ts', 'gateway'], {
      cwd: root,
      env: { ...process.env, GATEWAY_PORT: 'not-a-port', LOG_LEVEL: 'silent' },
      encoding: 'utf8',
      timeout: 30_000,
    })
    expect(res.status).toBe(78)
    expect(res.stderr).toMatch(/GATEWAY_PORT/)
  })
})
