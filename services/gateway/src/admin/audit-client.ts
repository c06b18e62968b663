import type { AuditReport } from './audit-types.ts'

/**
 * Calling the auditor from outside the shop: `npm run audit` and the fault suite use
 * these against a running gateway.
 */

export type { AuditCheck, AuditReport, Violation } from './audit-types.ts'
export { formatReport } from './audit-print.ts'

/** The gateway did not answer at all (as opposed to answering with an error). */
export class ShopUnreachable extends Error {
  constructor(url: string, cause: unknown) {
    super(`the shop at ${url} does not answer: ${cause instanceof Error ? cause.message : String(cause)}`)
    this.name = 'ShopUnreachable'
  }
}

async function call(url: string, init: RequestInit, timeoutMs: number): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) })
  } catch (err) {
    throw new ShopUnreachable(new URL(url).origin, err)
  }
}

async function failure(what: string, res: Response): Promise<Error> {
  const body = await res.text().catch(() => '')
  return new Error(`${what}: ${res.status} ${body.slice(0, 500)}`)
}

/** Logs in through the gateway and returns the access token; the account must hold the admin role for the audit. */
export async function loginAdmin(gatewayUrl: string, email: string, password: string, timeoutMs = 15_000): Promise<string> {
  const res = await call(
    `${gatewayUrl.replace(/\/$/, '')}/v1/auth/login`,
    { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email, password }) },
    timeoutMs,
  )
  if (res.status !== 200) throw await failure(`login as ${email}`, res)
  return ((await res.json()) as { accessToken: string }).accessToken
}

/** Runs GET /v1/admin/audit; graceSeconds 0 once the shop is quiet. Throws ShopUnreachable when nothing answers. */
export async function runAudit(
  gatewayUrl: string,
  adminToken: string,
  opts: { graceSeconds?: number; timeoutMs?: number } = {},
): Promise<AuditReport> {
  const qs = opts.graceSeconds === undefined ? '' : `?graceSeconds=${opts.graceSeconds}`
  const res = await call(
    `${gatewayUrl.replace(/\/$/, '')}/v1/admin/audit${qs}`,
    { headers: { authorization: `Bearer ${adminToken}` } },
    opts.timeoutMs ?? 120_000,
  )
  if (res.status !== 200) throw await failure('GET /v1/admin/audit', res)
  return (await res.json()) as AuditReport
}
