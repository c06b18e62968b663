-- Whether an event for the order was ever deferred (order_event_log outcome 'deferred'),
-- set by the statement that defers it, under the order's row lock. payment.completed's
-- one-statement path (order.repository.ts payOrder) requires it false in the row it
-- locks: a flag in the row is re-read when the lock was waited for, where a look at
-- order_event_log would still use the statement's older snapshot and could miss an event
-- deferred meanwhile. Such orders take the general path, which replays what waits.
ALTER TABLE orders ADD COLUMN events_deferred boolean NOT NULL DEFAULT false;

UPDATE orders SET events_deferred = true
 WHERE id IN (SELECT order_id FROM order_event_log WHERE outcome = 'deferred');
