import { serverAvailable } from '@shop/platform/testing'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { ensureBrokerUp, type OwnPostgres, redeliverSentEvents, restartBroker, startOwnPostgres } from './faults.ts'
import { type FaultShop, killAndRestart, reconfigure, sleep, startFaultShop, timed } from './harness.ts'
import { beginStream } from './stream.ts'
import { expectConsistent } from './verdict.ts'

// Faults in what the services stand on, one at a time, each while customers order, pay,
// cancel and get refunds: the shared RabbitMQ restarted, the order service's own
// PostgreSQL restarted, a PG that leaves a fifth of its charges unanswered (some of them
// charged), and every delivered event delivered again. After each, once the shop has
// settled, it must agree with what the customers were told, and the audit must pass.
const ready = (await serverAvailable('rabbitmq')) && (await serverAvailable('redis'))

const STREAM_MS = 6000

describe.runIf(ready)('faults in the infrastructure (services in their own processes)', () => {
  let fs: FaultShop
  let orderPg: OwnPostgres
  const begin = (seed: number) => beginStream(fs, { seed, durationMs: STREAM_MS })

  beforeAll(async () => {
    orderPg = await startOwnPostgres('shop_order')
    fs = await startFaultShop({ ORDER_DATABASE_URL: orderPg.databaseUrl, PG_TIMEOUT_MS: '800', PG_RECONCILE_INTERVAL_MS: '300' })
  }, 240_000)

  afterAll(async () => {
    await ensureBrokerUp()
    await fs?.stop()
    await orderPg?.stop()
  }, 120_000)

  it('a RabbitMQ restart mid-stream loses no event and applies none twice', async () => {
    const stream = await begin(1)
    await sleep(1500)
    await timed('RabbitMQ stop_app, 2.5 s down, start_app', () => restartBroker(2500))
    await expectConsistent(fs, stream, 'RabbitMQ restart')
  })

  it("a restart of the order service's own PostgreSQL mid-stream leaves nothing half done", async () => {
    const stream = await begin(2)
    await sleep(1500)
    await timed('order PostgreSQL stop, 2 s down, start', () => orderPg.restart(2000))
    await expectConsistent(fs, stream, 'order PostgreSQL restart')
  })

  it('a PG that never answers 20% of charges (about half of them charged) neither loses nor doubles money', async () => {
    await reconfigure(fs, 'payment', { PG_SIMULATOR_TIMEOUT_RATE: '0.2', PG_SIMULATOR_TIMEOUT_CHARGES: 'per_key' })
    try {
      const stream = await begin(3)
      await expectConsistent(fs, stream, 'PG timeouts')
    } finally {
      await reconfigure(fs, 'payment', { PG_SIMULATOR_TIMEOUT_RATE: undefined, PG_SIMULATOR_TIMEOUT_CHARGES: undefined })
    }
  })

  it('every event delivered again, shuffled, with its original id, and a consumer killed mid-delivery: no second effect', async () => {
    const stream = await begin(4)
    let copies = 0
    for (let i = 0; i < 3; i++) {
      await sleep(STREAM_MS / 3)
      copies += await redeliverSentEvents(fs)
      // Once, the busiest consumer dies with copies in flight: the broker redelivers what it had not acked.
      if (i === 1) await timed('SIGKILL order with copies in flight, restart', () => killAndRestart(fs, 'order', 500))
    }
    await stream.done
    copies += await redeliverSentEvents(fs)
    console.info(`[fault] redelivered ${copies} event copies`)
    await expectConsistent(fs, stream, 'duplicate redelivery')
  })
})
