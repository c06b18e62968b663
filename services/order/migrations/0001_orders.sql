-- Orders own their state: status changes only through the state machine
-- (src/domain/order-state.ts), each change leaving a row in order_history.
CREATE TABLE orders (
  id            uuid        PRIMARY KEY,
  user_id       uuid        NOT NULL,
  status        text        NOT NULL
                CHECK (status IN ('PENDING_PAYMENT', 'PAID', 'SHIPPED', 'DELIVERED', 'CANCELLED')),
  subtotal      bigint      NOT NULL CHECK (subtotal >= 0),
  shipping_fee  bigint      NOT NULL CHECK (shipping_fee >= 0),
  total         bigint      NOT NULL CHECK (total = subtotal + shipping_fee),
  currency      text        NOT NULL DEFAULT 'KRW',
  -- The whole ShippingAddress, AES-256-GCM with the PII keyring: never stored in clear.
  address_enc   text        NOT NULL,
  -- Summaries kept from the payment and shipping events (API.md order view).
  payment       jsonb,
  shipment      jsonb,
  created_at    timestamptz NOT NULL DEFAULT now(),
  updated_at    timestamptz NOT NULL DEFAULT now(),
  expires_at    timestamptz NOT NULL
);

-- Keyset pagination, newest first: a customer's own orders, and everyone's for an admin.
CREATE INDEX orders_user_created_idx ON orders (user_id, created_at DESC, id DESC);
CREATE INDEX orders_created_idx ON orders (created_at DESC, id DESC);
-- The expiry sweeper's scan.
CREATE INDEX orders_unpaid_expiry_idx ON orders (expires_at) WHERE status = 'PENDING_PAYMENT';

-- Price snapshots from the product service's reservation: later price changes never
-- touch an order already placed.
CREATE TABLE order_lines (
  order_id    uuid    NOT NULL REFERENCES orders (id),
  line_no     integer NOT NULL,
  product_id  uuid    NOT NULL,
  name        text    NOT NULL,
  unit_price  bigint  NOT NULL CHECK (unit_price >= 0),
  quantity    integer NOT NULL CHECK (quantity > 0),
  PRIMARY KEY (order_id, line_no),
  UNIQUE (order_id, product_id)
);

-- The public status history (API.md `history`).
CREATE TABLE order_history (
  id        bigserial   PRIMARY KEY,
  order_id  uuid        NOT NULL REFERENCES orders (id),
  status    text        NOT NULL,
  reason    text,
  at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_history_order_idx ON order_history (order_id, id);

-- Events that did not apply to the order's state when they arrived (duplicate, late,
-- out of order, unknown order): kept for operators, never shown in the history.
-- 'deferred' rows arrived ahead of an event they need and are applied once it comes.
CREATE TABLE order_event_log (
  id           bigserial   PRIMARY KEY,
  order_id     uuid        NOT NULL,
  event_id     uuid        NOT NULL,
  event_type   text        NOT NULL,
  payload      jsonb       NOT NULL,
  outcome      text        NOT NULL CHECK (outcome IN ('ignored', 'deferred', 'applied_late')),
  reason       text        NOT NULL,
  occurred_at  timestamptz NOT NULL,
  recorded_at  timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX order_event_log_order_idx ON order_event_log (order_id, id);
CREATE INDEX order_event_log_deferred_idx ON order_event_log (order_id, occurred_at) WHERE outcome = 'deferred';
