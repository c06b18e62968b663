-- Inventory and reservations. available = on_hand - reserved; the CHECK is the last wall
-- against overselling: no code path can make stock negative or reserve more than exists.
CREATE TABLE inventory (
  product_id uuid        PRIMARY KEY REFERENCES products (id),
  on_hand    integer     NOT NULL DEFAULT 0,
  reserved   integer     NOT NULL DEFAULT 0,
  updated_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT inventory_bounds CHECK (on_hand >= 0 AND reserved >= 0 AND reserved <= on_hand)
);

-- One reservation per order (the idempotency key of POST /internal/reservations).
-- ACTIVE → COMMITTED (payment) → RESTOCKED (cancel after payment);
-- ACTIVE → RELEASED (cancel, compensation) | EXPIRED (sweeper).
CREATE TABLE reservations (
  id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  order_id   uuid        NOT NULL UNIQUE,
  status     text        NOT NULL CHECK (status IN ('ACTIVE', 'COMMITTED', 'RELEASED', 'RESTOCKED', 'EXPIRED')),
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now()
);
-- The sweeper's scan: only ACTIVE rows, oldest expiry first.
CREATE INDEX reservations_active_expiry_idx ON reservations (expires_at) WHERE status = 'ACTIVE';

-- Prices and names are snapshots taken when the stock was reserved.
CREATE TABLE reservation_items (
  reservation_id uuid    NOT NULL REFERENCES reservations (id),
  product_id     uuid    NOT NULL REFERENCES products (id),
  quantity       integer NOT NULL CHECK (quantity > 0),
  unit_price     bigint  NOT NULL CHECK (unit_price >= 0),
  name           text    NOT NULL,
  PRIMARY KEY (reservation_id, product_id)
);
