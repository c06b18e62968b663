import {
  type Attributes,
  context,
  type Context,
  isSpanContextValid,
  propagation,
  type Span,
  type SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from '@opentelemetry/api'
import { parseTraceParent, W3CTraceContextPropagator } from '@opentelemetry/core'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { Resource } from '@opentelemetry/resources'
import { AlwaysOffSampler, BatchSpanProcessor, NodeTracerProvider, type SpanProcessor } from '@opentelemetry/sdk-trace-node'

/**
 * OpenTelemetry tracing for every service. One provider per process: embedded mode
 * hosts six services in one process and they share it (the first caller names the
 * resource). Trace context flows through AsyncLocalStorage and W3C `traceparent`
 * headers whether or not spans are exported anywhere. When nothing would receive a span
 * (no exporter, no processor), spans are not recorded at all: each request still gets
 * its span and trace ids for logs and `traceparent`, as cheap non-recording spans
 * (flag 00), instead of building attributes and timestamps nobody reads.
 */

export interface TelemetryOptions {
  service: string
  /** OTLP/HTTP endpoint (OTEL_EXPORTER_OTLP_ENDPOINT); `/v1/traces` is appended unless present. No URL: nothing is exported. */
  exporterUrl?: string
  /** Extra processors, e.g. an in-memory exporter in tests. Only the first initialisation in a process uses them. */
  spanProcessors?: SpanProcessor[]
}

export interface Telemetry {
  tracer(name: string): Tracer
  /** Releases this caller's hold; the last one flushes pending spans and unregisters the provider. */
  shutdown(): Promise<void>
}

export interface SpanOptions {
  /** Start the span as a child of this W3C traceparent (an incoming header or an event's envelope) instead of the active span. */
  parentTraceparent?: string
  kind?: SpanKind
  attributes?: Attributes
}

interface ProcessTelemetry {
  provider: NodeTracerProvider
  holders: number
  /** Whether any processor receives spans (an exporter, or a test's in-memory one). */
  recording: boolean
}

let shared: ProcessTelemetry | undefined

function tracesUrl(endpoint: string): string {
  const trimmed = endpoint.replace(/\/+$/, '')
  return trimmed.endsWith('/v1/traces') ? trimmed : `${trimmed}/v1/traces`
}

/** Sets up tracing for the process once (later calls share it) and returns a handle for this caller. */
export function initTelemetry(opts: TelemetryOptions): Telemetry {
  if (!shared) {
    const processors: SpanProcessor[] = [...(opts.spanProcessors ?? [])]
    if (opts.exporterUrl) {
      processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: tracesUrl(opts.exporterUrl) })))
    }
    const provider = new NodeTracerProvider({
      resource: new Resource({ 'service.name': opts.service }),
      spanProcessors: processors,
      ...(processors.length === 0 ? { sampler: new AlwaysOffSampler() } : {}),
    })
    // register() also installs the AsyncLocalStorage context manager.
    provider.register({ propagator: new W3CTraceContextPropagator() })
    shared = { provider, holders: 0, recording: processors.length > 0 }
  }
  const mine = shared
  mine.holders += 1
  let released = false
  return {
    tracer: (name) => trace.getTracer(name),
    async shutdown() {
      if (released) return
      released = true
      mine.holders -= 1
      if (mine.holders > 0 || shared !== mine) return
      shared = undefined
      try {
        await mine.provider.shutdown()
      } finally {
        // Unregister the globals so a later initTelemetry in this process can register again.
        trace.disable()
        context.disable()
        propagation.disable()
      }
    },
  }
}

/**
 * Whether spans started in this process go anywhere (initTelemetry ran with an exporter
 * URL or span processors). Without, spans are non-recording: they only carry trace ids.
 */
export function tracingRecorded(): boolean {
  return shared?.recording ?? false
}

/** The W3C traceparent of the active span, or undefined outside any span. */
export function currentTraceparent(): string | undefined {
  const span = trace.getSpan(context.active())
  if (!span) return undefined
  const sc = span.spanContext()
  if (!isSpanContextValid(sc)) return undefined
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, '0')}`
}

/**
 * Sets `traceparent` (and `tracestate`) on outgoing headers from the active span, replacing
 * any there; outside a span, or with no propagator registered, the headers stay as they are.
 */
export function injectTraceContext(headers: Record<string, string | string[]>): void {
  propagation.inject(context.active(), headers)
}

/** The trace id of the active span (for log lines), or undefined outside any span. */
export function currentTraceId(): string | undefined {
  const span = trace.getSpan(context.active())
  const sc = span?.spanContext()
  return sc && isSpanContextValid(sc) ? sc.traceId : undefined
}

/** The active context with the given traceparent as remote parent; an invalid header leaves the context as it is. */
export function contextFromTraceparent(traceparent: string | undefined, base: Context = context.active()): Context {
  const parsed = traceparent ? parseTraceParent(traceparent) : null
  return parsed && isSpanContextValid(parsed) ? trace.setSpanContext(base, { ...parsed, isRemote: true }) : base
}

/** Runs fn inside a new active span (child of parentTraceparent when given), ending it and recording a thrown error. */
export function withSpan<T>(name: string, fn: (span: Span) => Promise<T> | T, opts: SpanOptions = {}): Promise<T> {
  const parent = contextFromTraceparent(opts.parentTraceparent)
  const tracer = trace.getTracer('@shop/platform')
  return tracer.startActiveSpan(name, { kind: opts.kind, attributes: opts.attributes }, parent, async (span) => {
    try {
      return await fn(span)
    } catch (err) {
      span.recordException(err instanceof Error ? err : String(err))
      span.setStatus({ code: SpanStatusCode.ERROR, message: err instanceof Error ? err.message : String(err) })
      throw err
    } finally {
      span.end()
    }
  })
}
