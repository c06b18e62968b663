import type { paths } from './schema.ts'

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never
/** The JSON body of a path's successful answer. */
export type Ok<P extends keyof paths, M extends keyof paths[P], S extends number = 200> = paths[P][M] extends {
  responses: infer R
}
  ? S extends keyof R
    ? Json<R[S]>
    : never
  : never
/** The JSON body a path takes. */
export type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer B } }
}
  ? B
  : never
/** The query a path takes. */
export type Query<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { parameters: { query?: infer Q } }
  ? NonNullable<Q>
  : never

export type AuthSession = Ok<'/v1/auth/login', 'post'>
export type User = AuthSession['user']
export type Profile = Ok<'/v1/auth/profile', 'get'>
export type ProfileUpdate = Body<'/v1/auth/profile', 'put'>
export type Address = NonNullable<ProfileUpdate['addresses']>[number]
export type RegisterInput = Body<'/v1/auth/register', 'post'>

export type ProductList = Ok<'/v1/products', 'get'>
export type Product = Ok<'/v1/products/{id}', 'get'>
export type ProductListQuery = Partial<Query<'/v1/products', 'get'>>
export type ProductInput = Body<'/v1/products', 'post'>
export type ProductUpdate = Body<'/v1/products/{id}', 'put'>
export type StockLevel = Ok<'/v1/products/{id}/stock', 'put'>
export type Category = Ok<'/v1/categories', 'get'>['items'][number]
export type CategoryInput = Body<'/v1/categories', 'post'>
export type CategoryUpdate = Body<'/v1/categories/{id}', 'put'>

export type Order = Ok<'/v1/orders/{id}', 'get'>
export type OrderList = Ok<'/v1/orders', 'get'>
export type OrderListQuery = Partial<Query<'/v1/orders', 'get'>>
export type OrderStatus = Order['status']
export type PlaceOrderInput = Body<'/v1/orders', 'post'>
export type ShippingAddress = PlaceOrderInput['shippingAddress']

export type Payment = Ok<'/v1/payments/{id}', 'get'>
export type PayInput = Body<'/v1/payments', 'post'>
export type PaymentMethod = PayInput['method']
export type PaymentMethods = Ok<'/v1/payments/methods', 'get'>
export type RefundInput = Body<'/v1/payments/{id}/refund', 'post'>

export type Quote = Ok<'/v1/shipping/quote', 'post'>
export type Shipment = Ok<'/v1/shipments/{orderId}', 'get'>
export type ShipmentUpdate = Body<'/v1/shipments/{id}/status', 'put'>
export type Tracking = Ok<'/v1/shipments/tracking/{trackingNumber}', 'get'>

export type AuditReport = Ok<'/v1/admin/audit', 'get'>

// --- admin console (#14): admin reads of API.md
export type OrderSummary = Ok<'/v1/orders/summary', 'get'>
export type OrderSummaryDay = OrderSummary['days'][number]
export type AdminOrderQuery = Partial<Query<'/v1/orders', 'get'>>
export type UserList = Ok<'/v1/auth/users', 'get'>
export type UserSummary = UserList['items'][number]
export type UserQuery = Partial<Query<'/v1/auth/users', 'get'>>
export type ShipmentStatus = Shipment['status']
export type ShipmentList = Ok<'/v1/shipments', 'get'>
export type ShipmentQuery = Partial<Query<'/v1/shipments', 'get'>>
// --- end admin console
