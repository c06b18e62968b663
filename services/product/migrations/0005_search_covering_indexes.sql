-- Covering indexes for search over a large catalogue.
--
-- A relevance first page walks the newest products until it has SEARCH_WINDOW matches
-- (thousands of rows for a broad term). Reading each row from the table to test it
-- was most of the cost: the walk now runs on an index that carries what the common
-- filters test (price, in stock, category and the lower-cased search text) and what the
-- relevance score reads (name and search text), so it reads no table rows at all (an
-- index-only scan); only the page's rows are read in full. It replaces
-- products_created_idx: the same keys and predicate, so every plan that used that one
-- can use this one.
--
-- Facets under a category with inStock count up to SEARCH_WINDOW products of the
-- category; with in_stock in the category index that count needs no table rows either.
--
-- in_stock is now held by indexes, so the rare update that flips it (a product selling
-- out or coming back) is no longer a HOT update; updates that leave it alone still are.
--
-- Building them holds writes on products for the migration's transaction (seconds per
-- million products).
SET LOCAL statement_timeout = 0;

CREATE INDEX products_created_cover_idx ON products (created_at, id)
  INCLUDE (price, in_stock, category_id, search_text, name) WHERE deleted_at IS NULL;
DROP INDEX products_created_idx;

CREATE INDEX products_category_price_stock_idx ON products (category_id, price, id)
  INCLUDE (in_stock) WHERE deleted_at IS NULL;
DROP INDEX products_category_price_idx;
