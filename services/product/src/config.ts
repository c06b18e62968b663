import { type Static, Type } from '@sinclair/typebox'

/** Settings of the product service beyond the shared ones (runtime.ts). */
export const ProductConfig = Type.Object({})
export type ProductConfig = Static<typeof ProductConfig>
