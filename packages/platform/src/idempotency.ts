import { createHash } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { type Static, Type } from '@sinclair/typebox'
import type pg from 'pg'
import { prepared, type Queryable } from './db.ts'
import { Conflict, IdempotencyKeyReuse } from './errors.ts'

/**
 * Idempotency-Key handling over the idempotency_keys table (migration 0002). The first
 * request with a key claims it with INSERT ... ON CONFLICT DO NOTHING, so exactly one
 * of any number of concurrent duplicates runs the handler; the others wait for its
 * stored response and replay it.
 */

/** The Idempotency-Key value: 1–255 visible ASCII characters. */
export const IdempotencyKey = Type.String({ minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7E]+$' })

/** Route `headers` schema requiring an `idempotency-key` header (other headers allowed). */
export const IdempotencyKeyHeader = Type.Object({ 'idempotency-key': IdempotencyKey })
export type IdempotencyKeyHeader = Static<typeof IdempotencyKeyHeader>

export interface IdempotencyStoreOptions {
  /** How long a completed response is replayed (default 24 h). */
  ttlMs?: number
  /** How long a duplicate waits for the first request to finish before 409 (default 5 s). */
  waitMs?: number
  /** How often a waiting duplicate looks again (default 50 ms). */
  pollMs?: number
  /**
   * Lease on an in_progress claim (default 60 s): after it, a request that crashed
   * mid-handler no longer pins the key. Handlers must finish well within it, or a
   * retry could run a second time.
   */
  lockMs?: number
}

export interface IdempotentRequest {
  /** The user id, or 'anonymous': keys from different users never meet. */
  scope: string
  key: string
  /** requestFingerprint(...) of the request. */
  fingerprint: string
}

export interface HandlerResponse<T> {
  status: number
  body: T
  headers?: Record<string, string>
  /**
   * True when the handler stored this response itself, with its claim's answerRow() or
   * answer(), in the statement or transaction of its effect: run() then writes nothing more.
   */
  answered?: boolean
}

/**
 * The claim a handler runs under. A handler whose effect commits in one statement or one
 * transaction should store its response there too (answerRow / answer, then `answered:
 * true`): the effect and the key's stored answer then commit together, so no crash, and no
 * failure of a later write, can leave an effect whose key a retry would run again once the
 * claim's lease has lapsed. It also spares the request a commit.
 */
export interface IdempotencyClaim {
  /** The parameters of idempotencyComplete(first) that store `res` as this claim's answer. */
  answerRow(res: HandlerResponse<unknown>): unknown[]
  /** Stores `res` as this claim's answer through `q`: the client of the transaction that writes the effect. */
  answer(q: Queryable, res: HandlerResponse<unknown>): Promise<void>
}

export interface IdempotentResponse<T> extends HandlerResponse<T> {
  /** True when this is the stored response of an earlier request. */
  replayed: boolean
}

/**
 * A handler's first statement that claims the key too (idempotencyClaim(n) in its WITH,
 * `claimRow` its parameters from $n): it returns the claim's token, null when the key was
 * not claimed, and whatever else it found. Its effect must be conditioned on the claim
 * (EXISTS on that CTE), so a request that did not get the key has changed nothing.
 */
export type ClaimingStatement<F> = (claimRow: unknown[]) => Promise<{ token: string | null; found: F }>

export interface IdempotencyStore {
  run<T>(req: IdempotentRequest, handler: (claim: IdempotencyClaim) => Promise<HandlerResponse<T>>): Promise<IdempotentResponse<T>>
  /**
   * run() whose claim travels with the handler's first statement (`first`), sparing the
   * request a round trip and a commit; `handler` is given what that statement found.
   * Duplicates wait and replay as with run().
   */
  runClaiming<T, F>(
    req: IdempotentRequest,
    first: ClaimingStatement<F>,
    handler: (claim: IdempotencyClaim, found: F) => Promise<HandlerResponse<T>>,
  ): Promise<IdempotentResponse<T>>
  /** Deletes expired rows; returns how many. */
  purgeExpired(): Promise<number>
}

interface Row {
  request_hash: string
  state: 'in_progress' | 'completed'
  response_status: number | null
  response_body: unknown
  response_headers: Record<string, string> | null
  expired: boolean
}

// Object keys sorted at every depth; toJSON honoured (Dates) and undefined members
// dropped, as JSON.stringify would, so equal bodies give equal text.
function canonical(value: unknown): unknown {
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    return canonical((value as { toJSON(): unknown }).toJSON())
  }
  if (Array.isArray(value)) return value.map((v) => (v === undefined ? null : canonical(v)))
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[k]
      if (v !== undefined) out[k] = canonical(v)
    }
    return out
  }
  return value
}

/** sha256 (hex) of method, path and the body as canonical JSON, so body key order does not matter. */
export function requestFingerprint(parts: { method: string; path: string; body: unknown }): string {
  const body = parts.body === undefined ? '' : JSON.stringify(canonical(parts.body))
  return createHash('sha256').update(`${parts.method.toUpperCase()} ${parts.path}\n${body}`).digest('hex')
}

const IN_PROGRESS_DETAIL = 'a request with this Idempotency-Key is still in progress'

/**
 * The INSERT that claims a key, from four parameters starting at `$first` (the claimRow a
 * store's runClaiming() passes): it returns the claim's token (`token`) when this request
 * took the key, no row when another holds it. It can go in the WITH clause of a handler's
 * first statement, whose effect must then be conditioned on it having a row.
 */
export function idempotencyClaim(first: number): string {
  const p = (i: number) => `$${first + i}`
  return `INSERT INTO idempotency_keys (scope, key, request_hash, state, expires_at)
   VALUES (${p(0)}::text, ${p(1)}::text, ${p(2)}::text, 'in_progress', now() + ${p(3)}::float8 * interval '1 millisecond')
   ON CONFLICT (scope, key) DO NOTHING
   RETURNING created_at::text AS token`
}

// The two statements every keyed request runs (claim, then complete), prepared once per connection.
const CLAIM = prepared(idempotencyClaim(1))
/** How idempotencyComplete() reads the effect's statement, when the answer depends on it. */
export interface CompleteOptions {
  /** A FROM item (the effect's CTE) the UPDATE joins: with no row there, no answer is stored. */
  from?: string
  /** A further condition, over `from`'s columns. */
  when?: string
  /** The stored body as an SQL expression of the body parameter (a jsonb), e.g. to set a member from `from`. */
  body?: (param: string) => string
}

/**
 * The UPDATE that stores a claim's answer, from seven parameters starting at `$first` (an
 * IdempotencyClaim's answerRow()). Like outboxInsert(), it can go in the WITH clause of the
 * statement that writes the effect, so both commit as one statement. It changes nothing
 * when the claim is no longer this request's (its lease lapsed and another took the key).
 */
export function idempotencyComplete(first: number, opts: CompleteOptions = {}): string {
  const p = (i: number) => `$${first + i}`
  const body = opts.body ? opts.body(`${p(4)}::jsonb`) : `${p(4)}::jsonb`
  return `UPDATE idempotency_keys
      SET state = 'completed', response_status = ${p(3)}::int, response_body = ${body},
          response_headers = ${p(5)}::jsonb, expires_at = now() + ${p(6)}::float8 * interval '1 millisecond'${opts.from ? `
     FROM ${opts.from}` : ''}
    WHERE idempotency_keys.scope = ${p(0)}::text AND idempotency_keys.key = ${p(1)}::text
      AND idempotency_keys.created_at = ${p(2)}::timestamptz AND idempotency_keys.state = 'in_progress'${opts.when ? ` AND (${opts.when})` : ''}`
}

const COMPLETE = prepared(idempotencyComplete(1))

/** An Idempotency-Key store on the service's own database (table idempotency_keys). */
export function createIdempotencyStore(pool: pg.Pool, opts: IdempotencyStoreOptions = {}): IdempotencyStore {
  const ttlMs = opts.ttlMs ?? 24 * 60 * 60 * 1000
  const waitMs = opts.waitMs ?? 5_000
  const pollMs = opts.pollMs ?? 50
  const lockMs = opts.lockMs ?? 60_000

  // created_at as text is the claim's token: it keeps the microseconds a JS Date drops,
  // so a request whose lease lapsed cannot complete or delete its successor's claim.
  const claimRow = (req: IdempotentRequest): unknown[] => [req.scope, req.key, req.fingerprint, lockMs]
  const plainClaim: ClaimingStatement<undefined> = async (row) => {
    const { rows } = await pool.query<{ token: string }>(CLAIM(row))
    return { token: rows[0]?.token ?? null, found: undefined }
  }

  async function read(req: IdempotentRequest): Promise<Row | undefined> {
    const { rows } = await pool.query<Row>(
      `SELECT request_hash, state, response_status, response_body, response_headers,
              expires_at <= now() AS expired
         FROM idempotency_keys WHERE scope = $1 AND key = $2`,
      [req.scope, req.key],
    )
    return rows[0]
  }

  async function owned<T>(
    req: IdempotentRequest,
    token: string,
    handler: (claim: IdempotencyClaim) => Promise<HandlerResponse<T>>,
  ): Promise<IdempotentResponse<T>> {
    const answerRow = (res: HandlerResponse<unknown>): unknown[] => [
      req.scope,
      req.key,
      token,
      res.status,
      res.body === undefined ? null : JSON.stringify(res.body),
      res.headers ? JSON.stringify(res.headers) : null,
      ttlMs,
    ]
    const claim: IdempotencyClaim = {
      answerRow,
      async answer(q, res) {
        await q.query(COMPLETE(answerRow(res)))
      },
    }
    let res: HandlerResponse<T>
    try {
      res = await handler(claim)
    } catch (err) {
      // No half-state: the key is free again so a retry runs the handler anew. If this
      // delete fails too, the claim's lease frees the key later. A key the handler had
      // answered (its effect committed, then something failed) is completed, so it stays:
      // a retry replays the stored answer.
      await pool
        .query(
          `DELETE FROM idempotency_keys
            WHERE scope = $1 AND key = $2 AND created_at = $3::timestamptz AND state = 'in_progress'`,
          [req.scope, req.key, token],
        )
        .catch(() => {})
      throw err
    }
    const { answered, ...response } = res
    if (!answered) await claim.answer(pool, response)
    return { ...response, replayed: false }
  }

  async function runClaiming<T, F>(
    req: IdempotentRequest,
    first: ClaimingStatement<F>,
    handler: (claim: IdempotencyClaim, found: F) => Promise<HandlerResponse<T>>,
  ): Promise<IdempotentResponse<T>> {
    const deadline = Date.now() + waitMs
    for (;;) {
      const { token, found } = await first(claimRow(req))
      if (token) return owned(req, token, (claim) => handler(claim, found))
      const row = await read(req)
      // Gone since the insert (its request failed): try to claim it again.
      if (!row) continue
      if (row.expired) {
        // Only an expired row is removed, so a fresh claim made meanwhile survives;
        // the following INSERT still lets exactly one contender win.
        await pool.query('DELETE FROM idempotency_keys WHERE scope = $1 AND key = $2 AND expires_at <= now()', [
          req.scope,
          req.key,
        ])
        continue
      }
      if (row.request_hash !== req.fingerprint) throw new IdempotencyKeyReuse()
      if (row.state === 'completed') {
        return {
          status: row.response_status as number,
          body: row.response_body as T,
          ...(row.response_headers ? { headers: row.response_headers } : {}),
          replayed: true,
        }
      }
      const left = deadline - Date.now()
      if (left <= 0) throw new Conflict(IN_PROGRESS_DETAIL)
      await sleep(Math.min(pollMs, left))
    }
  }

  return {
    run: (req, handler) => runClaiming(req, plainClaim, (claim) => handler(claim)),
    runClaiming,

    async purgeExpired() {
      const { rowCount } = await pool.query('DELETE FROM idempotency_keys WHERE expires_at <= now()')
      return rowCount ?? 0
    },
  }
}
