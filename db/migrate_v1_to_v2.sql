-- Forward migration of a version-1 catalog to version 2.  Version 1 kept the HTTP validators
-- (url, etag, last_modified) on images, which breaks when one photo is served under several
-- URLs; version 2 moves them to http_cache and adds outfits, models, features, neighbors and
-- faults.  Method: the v1 tables are renamed aside, schema.sql creates the current tables (at
-- the @@SCHEMA@@ line below), the rows are copied across, the old tables dropped.  The catalog
-- library runs all of it in one transaction with foreign keys off and checks them before commit.
PRAGMA legacy_alter_table = ON;
ALTER TABLE categories RENAME TO v1_categories;
ALTER TABLE products RENAME TO v1_products;
ALTER TABLE images RENAME TO v1_images;
ALTER TABLE product_categories RENAME TO v1_product_categories;
ALTER TABLE runs RENAME TO v1_runs;
-- @@SCHEMA@@
INSERT INTO categories (id, code, gender, name) SELECT id, code, gender, name FROM v1_categories;
INSERT INTO images (sha256, bytes, mime, width, height, created_at)
    SELECT sha256, bytes, mime, width, height, created_at FROM v1_images;
INSERT INTO http_cache (url, etag, last_modified, status, image_sha256, fetched_at)
    SELECT url, etag, last_modified, 200, sha256, created_at FROM v1_images WHERE url IS NOT NULL;
INSERT INTO products (id, source, shop_id, name, brand, url, kind, image_sha256, image_url,
                      first_seen, updated_at)
    SELECT p.id, p.source, p.shop_id, p.name, p.brand, p.url, 'shoe', p.image_sha256, i.url,
           p.first_seen, p.first_seen
    FROM v1_products AS p LEFT JOIN v1_images AS i ON i.sha256 = p.image_sha256;
INSERT INTO product_categories (product_id, category_id, rank)
    SELECT product_id, category_id, rank FROM v1_product_categories;
INSERT INTO runs (id, program, args, started_at, finished_at, status, summary)
    SELECT id, program, NULL, started_at, finished_at, status, NULL FROM v1_runs;
DROP TABLE v1_product_categories;
DROP TABLE v1_products;
DROP TABLE v1_images;
DROP TABLE v1_categories;
DROP TABLE v1_runs;
PRAGMA legacy_alter_table = OFF;
