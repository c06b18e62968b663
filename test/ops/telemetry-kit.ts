/** Reading what the ops tests receive: OTLP/HTTP JSON spans and PromQL metric names. */

export interface OtlpSpan {
  service: string
  traceId: string
  spanId: string
  parentSpanId: string
  name: string
  kind: 'INTERNAL' | 'SERVER' | 'CLIENT' | 'PRODUCER' | 'CONSUMER' | 'UNSPECIFIED'
  attributes: Record<string, unknown>
}

const KINDS = ['UNSPECIFIED', 'INTERNAL', 'SERVER', 'CLIENT', 'PRODUCER', 'CONSUMER'] as const

/** OTLP JSON carries ids as hex (the spec) or, from some exporters, base64: hex either way. */
const hexId = (id: string | undefined): string => (!id ? '' : /^[0-9a-f]+$/.test(id) ? id : Buffer.from(id, 'base64').toString('hex'))

type AnyValue = { stringValue?: string; intValue?: string | number; boolValue?: boolean; doubleValue?: number }
const value = (v: AnyValue): unknown => v.stringValue ?? (v.intValue !== undefined ? Number(v.intValue) : (v.boolValue ?? v.doubleValue))
const attrs = (list: { key: string; value: AnyValue }[] = []) => Object.fromEntries(list.map((a) => [a.key, value(a.value)]))

/** The spans of one ExportTraceServiceRequest (JSON encoding). */
export function spansOf(body: {
  resourceSpans?: { resource?: { attributes?: { key: string; value: AnyValue }[] }; scopeSpans?: { spans?: Record<string, unknown>[] }[] }[]
}): OtlpSpan[] {
  return (body.resourceSpans ?? []).flatMap((rs) => {
    const service = String(attrs(rs.resource?.attributes)['service.name'] ?? '')
    return (rs.scopeSpans ?? []).flatMap((ss) =>
      (ss.spans ?? []).map((s) => ({
        service,
        traceId: hexId(s.traceId as string),
        spanId: hexId(s.spanId as string),
        parentSpanId: hexId(s.parentSpanId as string | undefined),
        name: String(s.name),
        kind: KINDS[Number(s.kind ?? 0)] ?? 'UNSPECIFIED',
        attributes: attrs(s.attributes as { key: string; value: AnyValue }[] | undefined),
      })),
    )
  })
}

const NOT_METRICS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'and', 'or', 'unless', 'bool', 'offset', 'inf', 'nan'])

/**
 * The metric names a PromQL expression reads: identifiers outside strings, label
 * matchers, ranges and grouping clauses that are not function calls or keywords.
 */
export function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
  const names = new Set<string>()
  for (const m of bare.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)(\s*\()?/g)) {
    if (m[2] || NOT_METRICS.has(m[1].toLowerCase())) continue
    names.add(m[1])
  }
  return [...names]
}
