import { type Static, Type } from '@sinclair/typebox'

/** Settings of the order service beyond the shared ones (runtime.ts). */
export const OrderConfig = Type.Object({})
export type OrderConfig = Static<typeof OrderConfig>
