-- The inventory's books, so the consistency auditor can prove where every unit went:
-- on_hand = opening_on_hand + adjustments + restocked - sold, each movement written in
-- the same statement as the on_hand change it explains.

-- The stock a product started with. Set on insert by the trigger, whoever inserts (the
-- API, a bulk seed), so no way of creating inventory can leave the books without an
-- opening balance. Rows that existed before the ledger open with their current stock.
ALTER TABLE inventory ADD COLUMN opening_on_hand integer;
UPDATE inventory SET opening_on_hand = on_hand;
ALTER TABLE inventory ALTER COLUMN opening_on_hand SET NOT NULL;

CREATE FUNCTION inventory_set_opening() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.opening_on_hand := NEW.on_hand;
  RETURN NEW;
END
$$;
CREATE TRIGGER inventory_opening BEFORE INSERT ON inventory FOR EACH ROW EXECUTE FUNCTION inventory_set_opening();

-- Every later on_hand change: an admin's stock count (signed delta), units sold on
-- payment, units put back when a paid order is cancelled. Reservations do not touch
-- on_hand and are not movements.
CREATE TABLE inventory_movements (
  id         bigserial   PRIMARY KEY,
  product_id uuid        NOT NULL REFERENCES products (id),
  kind       text        NOT NULL CHECK (kind IN ('adjustment', 'sold', 'restocked')),
  quantity   integer     NOT NULL CHECK (kind = 'adjustment' OR quantity > 0),
  order_id   uuid,
  at         timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX inventory_movements_product_idx ON inventory_movements (product_id);
