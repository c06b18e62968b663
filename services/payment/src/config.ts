import { type Static, Type } from '@sinclair/typebox'

/** Settings of the payment service beyond the shared ones (runtime.ts). */
export const PaymentConfig = Type.Object({})
export type PaymentConfig = Static<typeof PaymentConfig>
