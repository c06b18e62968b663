import { answers, testAmqpUrl } from '@shop/platform/testing'
import { ensureBrokerUp } from './faults.ts'

// The fault suite stops the shared RabbitMQ. A test that times out or crashes between
// stop_app and start_app must still not leave the machine without its broker: after the
// suite (whatever happened), bring it back if it was there when the suite began.
let wasUp = false

export async function setup() {
  wasUp = await answers(testAmqpUrl())
}

export async function teardown() {
  if (wasUp) await ensureBrokerUp()
}
