import { parseArgs } from 'node:util'
import { formatReport, loginAdmin, runAudit, ShopUnreachable } from '@shop/gateway/audit'

// `npm run audit [-- --grace <seconds>] [--json]`: runs the consistency audit of a running
// shop through its gateway and prints every check with its figures. Exit status: 0 when
// every invariant holds, 1 when one is broken, 2 when the audit could not run.
//   GATEWAY_URL             the gateway (default http://127.0.0.1:8080)
//   AUDIT_TOKEN             an admin access token, or else
//   BOOTSTRAP_ADMIN_EMAIL / BOOTSTRAP_ADMIN_PASSWORD  the admin to log in as

const { values } = parseArgs({
  options: { grace: { type: 'string' }, json: { type: 'boolean', default: false } },
  allowPositionals: false,
})
const gatewayUrl = process.env.GATEWAY_URL ?? 'http://127.0.0.1:8080'

function fail(message: string): never {
  process.stderr.write(`audit: ${message}\n`)
  process.exit(2)
}

const grace = values.grace === undefined ? undefined : Number(values.grace)
if (grace !== undefined && !(Number.isInteger(grace) && grace >= 0)) fail(`--grace must be a whole number of seconds, not ${values.grace}`)

async function token(): Promise<string> {
  if (process.env.AUDIT_TOKEN) return process.env.AUDIT_TOKEN
  const email = process.env.BOOTSTRAP_ADMIN_EMAIL
  const password = process.env.BOOTSTRAP_ADMIN_PASSWORD
  if (!email || !password) fail('set AUDIT_TOKEN, or BOOTSTRAP_ADMIN_EMAIL and BOOTSTRAP_ADMIN_PASSWORD')
  return loginAdmin(gatewayUrl, email, password)
}

try {
  const report = await runAudit(gatewayUrl, await token(), { graceSeconds: grace })
  process.stdout.write(`${values.json ? JSON.stringify(report, null, 2) : formatReport(report)}\n`)
  process.exit(report.ok ? 0 : 1)
} catch (err) {
  fail(err instanceof ShopUnreachable ? err.message : `could not run the audit: ${(err as Error).message}`)
}
