-- What order.created told us about an order: enough to create its shipment once it is
-- paid. The address (recipient, phone, postal code, lines) is one AES-256-GCM field
-- ciphertext (platform field cipher); nothing personal is stored in clear.
CREATE TABLE order_snapshots (
  order_id     uuid PRIMARY KEY,
  user_id      uuid NOT NULL,
  address_enc  text NOT NULL,
  fee          integer NOT NULL CHECK (fee >= 0),
  received_at  timestamptz NOT NULL DEFAULT now()
);

-- Orders cancelled before any shipment existed, so a late payment.completed does not
-- create a shipment for them.
CREATE TABLE order_cancellations (
  order_id     uuid PRIMARY KEY,
  reason       text NOT NULL,
  cancelled_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE shipments (
  id              uuid PRIMARY KEY,
  -- One shipment per order: a duplicate payment.completed cannot create a second one.
  order_id        uuid NOT NULL UNIQUE,
  user_id         uuid NOT NULL,
  status          text NOT NULL CHECK (status IN ('READY', 'DISPATCHED', 'IN_TRANSIT', 'DELIVERED', 'CANCELLED')),
  carrier         text CHECK (carrier IN ('CJ', 'HANJIN', 'LOTTE', 'EPOST')),
  tracking_number text UNIQUE,
  fee             integer NOT NULL CHECK (fee >= 0),
  address_enc     text NOT NULL,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now(),
  dispatched_at   timestamptz,
  delivered_at    timestamptz,
  cancelled_at    timestamptz,
  CHECK (status IN ('READY', 'CANCELLED') OR (carrier IS NOT NULL AND tracking_number IS NOT NULL))
);

-- The carrier simulator picks parcels on the road, oldest update first.
CREATE INDEX shipments_on_the_road_idx ON shipments (updated_at) WHERE status IN ('DISPATCHED', 'IN_TRANSIT');

-- Tracking events: one per status a shipment reached. Never personal data.
CREATE TABLE shipment_events (
  id          bigserial PRIMARY KEY,
  shipment_id uuid NOT NULL REFERENCES shipments (id),
  status      text NOT NULL,
  location    text,
  at          timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX shipment_events_shipment_idx ON shipment_events (shipment_id, id);
