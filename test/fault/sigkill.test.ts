import type { ProcessName } from '@shop/platform/runtime'
import { serverAvailable } from '@shop/platform/testing'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { type FaultShop, killAndRestart, sleep, startFaultShop, timed } from './harness.ts'
import { beginStream } from './stream.ts'
import { expectConsistent } from './verdict.ts'

// SIGKILL of each process in turn while customers order, pay, cancel and get refunds:
// whatever it was doing (a request half handled, an event not yet acked, an outbox row
// published but not marked sent, a charge in flight) is cut off without warning. It is
// started again a moment later; once the shop has settled, it must agree with what the
// customers were told, and the audit must pass.
const ready = (await serverAvailable('rabbitmq')) && (await serverAvailable('redis'))

const VICTIMS: ProcessName[] = ['auth', 'product', 'order', 'payment', 'shipping', 'gateway']

describe.runIf(ready)('SIGKILL of each service mid-stream (services in their own processes)', () => {
  let fs: FaultShop

  beforeAll(async () => {
    // A short PG timeout so a charge cut off by the kill is reconciled within seconds.
    fs = await startFaultShop({ PG_TIMEOUT_MS: '800', PG_RECONCILE_INTERVAL_MS: '300' })
  }, 240_000)

  afterAll(async () => {
    await fs?.stop()
  }, 120_000)

  VICTIMS.forEach((victim, i) => {
    it(`${victim} killed mid-stream and restarted: nothing lost, nothing done twice`, async () => {
      const stream = await beginStream(fs, { seed: 100 + i, durationMs: 5000 })
      await sleep(1200)
      await timed(`SIGKILL ${victim}, 1 s down, restart`, () => killAndRestart(fs, victim, 1000))
      await expectConsistent(fs, stream, `SIGKILL ${victim}`)
    })
  })
})
