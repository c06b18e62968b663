import type { Worker } from '@shop/platform/boot'
import type { Pool } from '@shop/platform/db'
import type { Logger } from '@shop/platform/logger'
import { purgeExpired } from './data/sessions.repository.ts'

/** Deletes expired refresh tokens and dead sessions every `intervalMs` (default hourly). */
export function sessionPurgeWorker(pool: Pool, logger: Logger, intervalMs = 3600_000): Worker {
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> | undefined
  const pass = async () => {
    try {
      const purged = await purgeExpired(pool)
      if (purged.tokens || purged.families) logger.info(purged, 'expired sessions purged')
    } catch (err) {
      logger.warn({ err }, 'session purge failed; will retry')
    }
  }
  return {
    name: 'session purge',
    start() {
      timer = setInterval(() => {
        running ??= pass().finally(() => (running = undefined))
      }, intervalMs)
      timer.unref()
    },
    async stop() {
      clearInterval(timer)
      await running
    },
  }
}
