-- Search suggestions (GET /products/suggest), asked on every keystroke: the product's
-- name alone, folded as search folds it (NFKC, lower case), with a trigram index for
-- queries of 3+ characters ("이어폰" inside "무선이어폰 프로") and a covering index of the
-- newest products for shorter ones, whose scan stops at the first matches. Live rows only.
ALTER TABLE products ADD COLUMN suggest_text text GENERATED ALWAYS AS (lower(normalize(name, NFKC))) STORED;
CREATE INDEX products_suggest_trgm_idx ON products USING gin (suggest_text gin_trgm_ops) WHERE deleted_at IS NULL;
CREATE INDEX products_suggest_newest_idx ON products (created_at DESC, id DESC) INCLUDE (suggest_text) WHERE deleted_at IS NULL;
