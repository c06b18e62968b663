import { createHash, randomUUID } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { type Pool, prepared, withTransaction } from '@shop/platform/db'
import type {
  CancelResult,
  ConfirmRequest,
  ConfirmResult,
  Declined,
  PaymentGatewayAdapter,
} from '../domain/payment-gateway.ts'

/**
 * The built-in PG simulator. Its "bank" is the pg_simulator_ledger table (one row per
 * idempotency key), so every replica and restart sees the same charges, and a key
 * always gets its first answer back. A lookup of a key that never charged voids it, the
 * way a real PG's network cancel (망취소) does: a confirm still hanging with that key can
 * no longer charge, so "not found" is final.
 */

export interface SimulatorOptions {
  /** Delay before every answer (PG_SIMULATOR_LATENCY_MS). */
  latencyMs: number
  /** Share of otherwise successful charges declined with simulated_failure. */
  failureRate: number
  /** Share of confirms (decided per idempotency key) that hang past any timeout. */
  timeoutRate: number
  /** Whether a hanging confirm charged before it hung: decided per key, or always, or never. */
  timeoutCharges: 'per_key' | 'always' | 'never'
  random?: () => number
}

/** The deterministic test tokens of API.md. */
const DECLINES: Record<string, Declined> = {
  tok_declined: { status: 'declined', code: 'card_declined', message: 'The card issuer declined the charge' },
  tok_insufficient_funds: { status: 'declined', code: 'insufficient_funds', message: 'The account balance is too low' },
}

interface LedgerRow {
  outcome: 'approved' | 'declined' | 'voided'
  transaction_id: string
  code: string | null
  message: string | null
  created_at: Date
}

/** A number in [0, 1) fixed by the key and a salt, so the fault suite can replay a run. */
function unit(key: string, salt: string): number {
  return createHash('sha256').update(`${salt}:${key}`).digest().readUInt32BE(0) / 2 ** 32
}

function answer(row: LedgerRow): ConfirmResult {
  if (row.outcome === 'approved') return { status: 'approved', approvedAt: row.created_at, pgTransactionId: row.transaction_id }
  if (row.outcome === 'voided') return { status: 'declined', code: 'pg_timeout', message: 'This request was voided after a timeout' }
  return { status: 'declined', code: row.code ?? 'card_declined', message: row.message ?? 'Declined' }
}

const RECORD_CHARGE = prepared(`
  INSERT INTO pg_simulator_ledger (idempotency_key, kind, outcome, transaction_id, order_id, amount, code, message)
  VALUES ($1, 'charge', $2, $3, $4, $5, $6, $7)
  ON CONFLICT (idempotency_key) DO NOTHING
  RETURNING outcome, transaction_id, code, message, created_at`)

/** Waits until the caller gives up (its signal aborts), or at most a minute. */
function hang(signal: AbortSignal): Promise<never> {
  return sleep(60_000, undefined, { signal, ref: false }).then(() => {
    throw new Error('simulated PG hang ended')
  })
}

/** Creates the simulator over the payment database's ledger. */
export function createSimulatorGateway(pool: Pool, opts: SimulatorOptions): PaymentGatewayAdapter {
  const random = opts.random ?? Math.random

  async function record(req: ConfirmRequest, result: ConfirmResult): Promise<ConfirmResult> {
    const outcome = result.status
    const { rows } = await pool.query<LedgerRow>(
      RECORD_CHARGE([
        req.idempotencyKey,
        outcome,
        `sim_${randomUUID()}`,
        req.orderId,
        req.amount,
        result.status === 'declined' ? result.code : null,
        result.status === 'declined' ? result.message : null,
      ]),
    )
    if (rows[0]) return answer(rows[0])
    const existing = await pool.query<LedgerRow>(
      'SELECT outcome, transaction_id, code, message, created_at FROM pg_simulator_ledger WHERE idempotency_key = $1',
      [req.idempotencyKey],
    )
    return answer(existing.rows[0])
  }

  function decide(token: string): ConfirmResult {
    const declined = DECLINES[token]
    if (declined) return declined
    if (token !== 'tok_success') return { status: 'declined', code: 'invalid_card', message: 'Unknown test token' }
    if (random() < opts.failureRate) return { status: 'declined', code: 'simulated_failure', message: 'Simulated random decline' }
    return { status: 'approved', approvedAt: new Date(), pgTransactionId: '' }
  }

  return {
    name: 'simulator',

    async confirm(req, signal) {
      await sleep(opts.latencyMs, undefined, { signal })
      if (req.token === 'tok_timeout') return hang(signal)
      if (unit(req.idempotencyKey, 'timeout') < opts.timeoutRate) {
        const charges =
          opts.timeoutCharges === 'always' || (opts.timeoutCharges === 'per_key' && unit(req.idempotencyKey, 'charges') < 0.5)
        if (charges) await record(req, decide(req.token))
        return hang(signal)
      }
      signal.throwIfAborted()
      return record(req, decide(req.token))
    },

    async cancel(req, signal): Promise<CancelResult> {
      await sleep(opts.latencyMs, undefined, { signal })
      return withTransaction(pool, async (client) => {
        // The charge row is locked so concurrent cancels of one transaction are checked one at a time.
        const charge = await client.query<{ amount: number }>(
          `SELECT amount FROM pg_simulator_ledger
            WHERE transaction_id = $1 AND kind = 'charge' AND outcome = 'approved' FOR UPDATE`,
          [req.pgTransactionId],
        )
        const prior = await client.query<{ outcome: string; code: string | null; message: string | null; created_at: Date }>(
          'SELECT outcome, code, message, created_at FROM pg_simulator_ledger WHERE idempotency_key = $1',
          [req.idempotencyKey],
        )
        const seen = prior.rows[0]
        if (seen) {
          return seen.outcome === 'approved'
            ? { status: 'cancelled', cancelledAt: seen.created_at }
            : { status: 'rejected', code: seen.code ?? 'rejected', message: seen.message ?? 'Rejected' }
        }
        let rejection: { code: string; message: string } | undefined
        if (!charge.rows[0]) rejection = { code: 'not_found', message: 'No such approved transaction' }
        else {
          const cancelled = await client.query<{ total: number }>(
            `SELECT COALESCE(sum(amount), 0)::bigint AS total FROM pg_simulator_ledger
              WHERE transaction_id = $1 AND kind = 'cancel' AND outcome = 'approved'`,
            [req.pgTransactionId],
          )
          if (req.amount > charge.rows[0].amount - cancelled.rows[0].total) {
            rejection = { code: 'exceeds_balance', message: 'The cancel exceeds what remains of the charge' }
          }
        }
        const { rows } = await client.query<{ created_at: Date }>(
          `INSERT INTO pg_simulator_ledger (idempotency_key, kind, outcome, transaction_id, amount, code, message)
           VALUES ($1, 'cancel', $2, $3, $4, $5, $6) RETURNING created_at`,
          [req.idempotencyKey, rejection ? 'declined' : 'approved', req.pgTransactionId, req.amount, rejection?.code ?? null, rejection?.message ?? null],
        )
        return rejection ? { status: 'rejected', ...rejection } : { status: 'cancelled', cancelledAt: rows[0].created_at }
      })
    },

    async lookup(req, signal) {
      await sleep(opts.latencyMs, undefined, { signal })
      // Void the key first: after this statement a late confirm with it can no longer charge.
      await pool.query(
        `INSERT INTO pg_simulator_ledger (idempotency_key, kind, outcome, transaction_id, order_id, amount)
         VALUES ($1, 'charge', 'voided', $2, $3, 0) ON CONFLICT (idempotency_key) DO NOTHING`,
        [req.idempotencyKey, `sim_${randomUUID()}`, req.orderId],
      )
      const { rows } = await pool.query<LedgerRow>(
        'SELECT outcome, transaction_id, code, message, created_at FROM pg_simulator_ledger WHERE idempotency_key = $1',
        [req.idempotencyKey],
      )
      return rows[0].outcome === 'voided' ? { status: 'not_found' } : answer(rows[0])
    },
  }
}
