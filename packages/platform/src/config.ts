import { type Static, type TObject, Type } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'

/** Thrown when the environment does not satisfy a config schema; names every bad variable. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid configuration: ${problems.map((p) => `${p.variable}: ${p.message}`).join('; ')}`)
    this.name = 'ConfigError'
  }
}

/**
 * Reads environment variables through a TypeBox object schema whose keys are the
 * variable names. Strings are converted to numbers/booleans, defaults applied, and
 * every violation is reported at once with the variable's name.
 */
export function loadConfig<T extends TObject>(
  schema: T,
  env: Record<string, string | undefined> = process.env,
): Static<T> {
  const raw: Record<string, unknown> = {}
  for (const key of Object.keys(schema.properties)) {
    const v = env[key]
    if (v !== undefined && v !== '') raw[key] = v
  }
  const withDefaults = Value.Default(schema, raw)
  const converted = Value.Convert(schema, withDefaults)
  const problems = [...Value.Errors(schema, converted)].map((e) => {
    const variable = e.path.replace(/^\//, '').split('/')[0] || '(root)'
    const message = env[variable] === undefined || env[variable] === '' ? 'is required' : e.message
    return { variable, message }
  })
  if (problems.length > 0) {
    const seen = new Set<string>()
    throw new ConfigError(problems.filter((p) => (seen.has(p.variable) ? false : (seen.add(p.variable), true))))
  }
  return converted as Static<T>
}

/** Helpers for config schemas. */
export const Env = {
  port: (def: number) => Type.Integer({ minimum: 0, maximum: 65535, default: def }),
  int: (def: number, min = 0) => Type.Integer({ minimum: min, default: def }),
  url: (opts: { default?: string } = {}) => Type.String({ pattern: '^[a-z][a-z0-9+.-]*://', ...opts }),
  optionalUrl: () => Type.Optional(Type.String({ pattern: '^[a-z][a-z0-9+.-]*://' })),
  string: (def?: string) => (def === undefined ? Type.String({ minLength: 1 }) : Type.String({ default: def })),
  optionalString: () => Type.Optional(Type.String()),
  bool: (def: boolean) => Type.Boolean({ default: def }),
  enum: <const V extends string[]>(values: V, def: V[number]) =>
    Type.Union(values.map((v) => Type.Literal(v)), { default: def }),
}

/**
 * The exit code of a process that stopped on its configuration (sysexits' EX_CONFIG): a
 * supervisor that sees it knows a restart would fail the same way.
 */
export const CONFIG_ERROR_EXIT = 78

/** Prints a ConfigError (or anything) and exits: the composition root's last word on bad config. */
export function exitOnConfigError(err: unknown): never {
  if (err instanceof ConfigError) {
    process.stderr.write(`${err.message}\n`)
  } else {
    process.stderr.write(`Failed to start: ${err instanceof Error ? err.message : String(err)}\n`)
  }
  process.exit(err instanceof ConfigError ? CONFIG_ERROR_EXIT : 1)
}
