import { randomBytes } from 'node:crypto'
import argon2 from 'argon2'

/** Argon2id hashing (OWASP minimum: m=19 MiB, t=2, p=1) and constant-cost checks for unknown accounts. */
export interface PasswordHasher {
  hash(password: string): Promise<string>
  /** True when the password matches; a malformed stored hash is a mismatch, not a crash. */
  verify(hash: string, password: string): Promise<boolean>
  /** Spends what a real verify costs and returns false: the answer for an unknown email. */
  verifyDummy(password: string): Promise<false>
  /** Whether a stored hash was made with weaker parameters than the current ones. */
  needsRehash(hash: string): boolean
  /** Computes the dummy hash ahead of the first unknown-email login, so that one is not slower. */
  warm(): Promise<void>
}

export const ARGON2_TIME_COST = 2
export const ARGON2_PARALLELISM = 1

const PHC = /^\$(argon2(?:id|i|d))\$v=(\d+)\$m=(\d+),t=(\d+),p=(\d+)\$/

// Only an upgrade counts: lowering ARGON2_MEMORY_KIB must not rewrite stronger hashes weaker.
function weakerThan(hash: string, target: { memoryCost: number; timeCost: number }): boolean {
  const m = PHC.exec(hash)
  if (!m) return true
  const [, type, version, memory, time] = m
  return type !== 'argon2id' || Number(version) < 19 || Number(memory) < target.memoryCost || Number(time) < target.timeCost
}

/** A hasher with the given memory cost in KiB (19456 by default in config). */
export function createPasswordHasher(opts: { memoryKib: number }): PasswordHasher {
  const options = {
    type: argon2.argon2id,
    memoryCost: opts.memoryKib,
    timeCost: ARGON2_TIME_COST,
    parallelism: ARGON2_PARALLELISM,
  }
  let dummy: Promise<string> | undefined
  const dummyHash = () => (dummy ??= argon2.hash(randomBytes(24).toString('base64url'), options))

  const verify = async (hash: string, password: string) => {
    try {
      return await argon2.verify(hash, password)
    } catch {
      return false
    }
  }

  return {
    hash: (password) => argon2.hash(password, options),
    verify,
    async verifyDummy(password) {
      await verify(await dummyHash(), password)
      return false
    },
    needsRehash: (hash) => weakerThan(hash, options),
    async warm() {
      await dummyHash()
    },
  }
}
