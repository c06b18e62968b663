import { type EventEnvelope, ShippingAddress } from '@shop/contracts'
import { ciphertextKid } from '@shop/platform/crypto'
import { effectStatement } from '@shop/platform/inbox'
import { Value } from '@sinclair/typebox/value'
import type { Shipping } from '../context.ts'
import { SAVE_SNAPSHOT_ON_CLAIM, snapshotValues } from '../data/order-snapshot.repository.ts'
import { UnreadableAddress } from '../shipping.errors.ts'

/**
 * order.created: keep what the order's shipment will need once it is paid (who, where,
 * what fee), the address under our active key; one statement with the event's inbox
 * claim. An address that cannot be read throws before anything is written.
 */
export function onOrderCreated(s: Shipping) {
  return effectStatement<'order.created'>(SAVE_SNAPSHOT_ON_CLAIM, (event: EventEnvelope<'order.created'>) => {
    const { orderId, userId, shippingFee } = event.data
    const { sealed } = event.data.shippingAddress
    const address = unseal(s, orderId, sealed)
    // Sealed under our active key already (one keyring is shared): kept as it came, once
    // read and checked; under an older key, sealed again with the active one.
    const addressEnc = ciphertextKid(sealed) === s.cipher.activeKid ? sealed : s.cipher.encryptJson(address)
    return snapshotValues({ orderId, userId, fee: shippingFee, addressEnc })
  })
}

/** The address the order service sealed with the shared PII keyring (PII_ENCRYPTION_KEYS). */
function unseal(s: Shipping, orderId: string, sealed: string): ShippingAddress {
  let address: unknown
  try {
    address = s.cipher.decryptJson(sealed)
  } catch (err) {
    throw new UnreadableAddress(orderId, (err as Error).message)
  }
  // Only the shape is reported: the values are personal data and must not reach a log.
  if (!Value.Check(ShippingAddress, address)) throw new UnreadableAddress(orderId, 'not a shipping address')
  return address
}
