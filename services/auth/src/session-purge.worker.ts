import type { Worker } from '@shop/platform/boot'
import type { Pool } from '@shop/platform/db'
import type { Logger } from '@shop/platform/logger'
import { periodicWorker } from '@shop/platform/worker'
import { purgeExpired } from './data/sessions.repository.ts'

/** Deletes expired refresh tokens and dead sessions every `intervalMs` (default hourly). */
export function sessionPurgeWorker(pool: Pool, logger: Logger, intervalMs = 3600_000): Worker {
  return periodicWorker({
    name: 'session purge',
    intervalMs,
    logger,
    async run() {
      const purged = await purgeExpired(pool)
      if (purged.tokens || purged.families) logger.info(purged, 'expired sessions purged')
    },
  })
}
