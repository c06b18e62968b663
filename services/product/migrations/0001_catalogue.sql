-- Catalogue: categories (a tree) and products, with the search columns and the indexes
-- that keep listing and search fast at a million products.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Categories are created, never moved, so a sub-tree is a recursive walk over parent_id.
CREATE TABLE categories (
  id         uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  name       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
  slug       text        NOT NULL UNIQUE,
  parent_id  uuid        REFERENCES categories (id),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX categories_parent_idx ON categories (parent_id);

-- Soft delete: deleted_at set means gone from every read and from search. Every read
-- index is partial on deleted_at IS NULL, so deleted rows cost nothing there, and a
-- deleted product's sku is freed for reuse (the unique index covers live rows only).
CREATE TABLE products (
  id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
  sku         text        NOT NULL,
  name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  description text        NOT NULL DEFAULT '',
  price       bigint      NOT NULL CHECK (price >= 0),
  currency    text        NOT NULL DEFAULT 'KRW' CHECK (currency = 'KRW'),
  category_id uuid        NOT NULL REFERENCES categories (id),
  attributes  jsonb       NOT NULL DEFAULT '{}' CHECK (jsonb_typeof(attributes) = 'object'),
  images      text[]      NOT NULL DEFAULT '{}',
  version     integer     NOT NULL DEFAULT 1,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  deleted_at  timestamptz,
  -- Substring search (pg_trgm): NFKC folds full-width Latin and compatibility forms.
  search_text text GENERATED ALWAYS AS (lower(normalize(name || ' ' || description, NFKC))) STORED,
  -- Whole-word and word-prefix search and ranking ('simple': no stemming, right for Korean).
  search_tsv  tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', lower(normalize(name, NFKC))), 'A')
    || setweight(to_tsvector('simple', lower(normalize(description, NFKC))), 'B')
  ) STORED
);

CREATE UNIQUE INDEX products_sku_live_idx ON products (sku) WHERE deleted_at IS NULL;
-- Keyset pages per sort (backward scans serve the descending sorts).
CREATE INDEX products_price_idx ON products (price, id) WHERE deleted_at IS NULL;
CREATE INDEX products_created_idx ON products (created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX products_category_price_idx ON products (category_id, price, id) WHERE deleted_at IS NULL;
CREATE INDEX products_category_created_idx ON products (category_id, created_at, id) WHERE deleted_at IS NULL;
CREATE INDEX products_search_trgm_idx ON products USING gin (search_text gin_trgm_ops) WHERE deleted_at IS NULL;
CREATE INDEX products_search_tsv_idx ON products USING gin (search_tsv) WHERE deleted_at IS NULL;
