import { FormatRegistry } from '@sinclair/typebox'
import { TypeCompiler, type TypeCheck } from '@sinclair/typebox/compiler'
import { EnvelopeSchema, type EventEnvelope, EventSchemas, type EventType } from './events.ts'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
if (!FormatRegistry.Has('uuid')) FormatRegistry.Set('uuid', (v) => UUID.test(v))
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (v) => !Number.isNaN(Date.parse(v)) && /T/.test(v))

const envelopeCheck = TypeCompiler.Compile(EnvelopeSchema)
const dataChecks = Object.fromEntries(
  Object.entries(EventSchemas).map(([type, schema]) => [type, TypeCompiler.Compile(schema)]),
) as Record<EventType, TypeCheck<any>> // eslint-disable-line @typescript-eslint/no-explicit-any -- heterogeneous map

export class InvalidEvent extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid event: ${problems.join('; ')}`)
    this.name = 'InvalidEvent'
  }
}

export const isEventType = (t: string): t is EventType => Object.hasOwn(EventSchemas, t)

/** Checks an envelope and its data against the contract; throws InvalidEvent listing what is wrong. */
export function assertValidEvent(value: unknown): asserts value is EventEnvelope {
  if (!envelopeCheck.Check(value)) {
    throw new InvalidEvent([...envelopeCheck.Errors(value)].map((e) => `${e.path || '/'} ${e.message}`))
  }
  const env = value as { type: string; data: unknown }
  if (!isEventType(env.type)) throw new InvalidEvent([`/type unknown event type ${env.type}`])
  const check = dataChecks[env.type]
  if (!check.Check(env.data)) {
    throw new InvalidEvent([...check.Errors(env.data)].map((e) => `/data${e.path} ${e.message}`))
  }
}
