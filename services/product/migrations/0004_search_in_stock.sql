-- Whether a product can be bought now (available = on_hand - reserved > 0), kept on the
-- product row for the inStock filter: a listing walks thousands of products to find its
-- page, and looking up each one's inventory row made inStock listings many times slower
-- than the same listing without it. Triggers on inventory keep it equal to the inventory
-- row in the same transaction as every stock change, whoever makes it (the API, the
-- reservation sweeper, a bulk seed), so it is never stale. A product without an
-- inventory row is not in stock.
--
-- No index holds it, so flipping it is a HOT update when the row's page has room (as
-- it has right after the product is created with its stock).
--
-- Like every migration this runs in one transaction holding the products table: on a
-- large catalogue with many sold-out products the update below may take a while.
SET LOCAL statement_timeout = 0;

ALTER TABLE products ADD COLUMN in_stock boolean NOT NULL DEFAULT true;
-- Rows that exist now read the added column as true without being rewritten; only the
-- ones that are not in stock are updated. New rows start out of stock until their
-- inventory row says otherwise.
UPDATE products p SET in_stock = false
WHERE NOT EXISTS (SELECT 1 FROM inventory i WHERE i.product_id = p.id AND i.on_hand > i.reserved);
ALTER TABLE products ALTER COLUMN in_stock SET DEFAULT false;

-- New inventory rows: one set-based update per statement (a bulk seed inserts thousands).
CREATE FUNCTION inventory_in_stock_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE products p SET in_stock = true
  FROM inserted i WHERE p.id = i.product_id AND i.on_hand > i.reserved AND NOT p.in_stock;
  RETURN NULL;
END
$$;
CREATE TRIGGER inventory_in_stock_insert AFTER INSERT ON inventory
  REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION inventory_in_stock_inserted();

-- Changed rows: most stock changes (a reservation that leaves units, a payment) do not
-- cross zero and do not fire at all.
CREATE FUNCTION inventory_in_stock_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    UPDATE products SET in_stock = false WHERE id = OLD.product_id;
  ELSE
    UPDATE products SET in_stock = NEW.on_hand > NEW.reserved WHERE id = NEW.product_id;
  END IF;
  RETURN NULL;
END
$$;
CREATE TRIGGER inventory_in_stock_update AFTER UPDATE OF on_hand, reserved ON inventory
  FOR EACH ROW WHEN ((OLD.on_hand > OLD.reserved) <> (NEW.on_hand > NEW.reserved))
  EXECUTE FUNCTION inventory_in_stock_changed();
CREATE TRIGGER inventory_in_stock_delete AFTER DELETE ON inventory
  FOR EACH ROW WHEN (OLD.on_hand > OLD.reserved) EXECUTE FUNCTION inventory_in_stock_changed();

-- Listing queries are short and many run at once: a Gather over parallel workers on a
-- small server took the cores other requests were waiting for (a two-word search ran
-- several times slower in parallel than alone on one core).
ALTER TABLE products SET (parallel_workers = 0);

ANALYZE products;
