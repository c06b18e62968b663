import * as Crypto from 'expo-crypto'

// The client makes Idempotency-Keys with crypto.randomUUID, which Hermes lacks and a
// browser offers only on secure origins (not a LAN address over http): expo-crypto's stands in.
const c = ((globalThis as { crypto?: Partial<Crypto_> }).crypto ??= {}) as Partial<Crypto_>
type Crypto_ = { randomUUID: () => string }
if (typeof c.randomUUID !== 'function') c.randomUUID = () => Crypto.randomUUID()
