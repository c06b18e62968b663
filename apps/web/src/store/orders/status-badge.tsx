import type { OrderStatus } from '@shop/client'
import { ko } from '@shop/storefront-core/ko'

export function StatusBadge({ status }: { status: OrderStatus }) {
  return <span className={`status status-${status.toLowerCase()}`}>{ko.order.statuses[status]}</span>
}
