import type { OrderStatus } from '@shop/client'
import { ko } from '../../i18n/ko.ts'

export function StatusBadge({ status }: { status: OrderStatus }) {
  return <span className={`status status-${status.toLowerCase()}`}>{ko.order.statuses[status]}</span>
}
