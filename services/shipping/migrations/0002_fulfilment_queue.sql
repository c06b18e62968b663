-- The admin fulfilment queue (GET /shipments): by status, oldest first.
CREATE INDEX shipments_queue_idx ON shipments (status, created_at, id);
CREATE INDEX shipments_created_idx ON shipments (created_at, id);
