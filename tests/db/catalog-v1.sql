-- A catalog as schema version 1 left it (the fixture for the v1 -> v2 migration test).
-- Version 1 kept each image's URL and HTTP validators on the images row.
PRAGMA user_version = 1;
CREATE TABLE categories (
    id INTEGER PRIMARY KEY, code TEXT NOT NULL, gender TEXT NOT NULL, name TEXT NOT NULL,
    UNIQUE (code, gender));
CREATE TABLE images (
    sha256 TEXT PRIMARY KEY, bytes BLOB NOT NULL, mime TEXT NOT NULL, width INTEGER NOT NULL,
    height INTEGER NOT NULL, url TEXT, etag TEXT, last_modified TEXT, created_at INTEGER NOT NULL);
CREATE TABLE products (
    id INTEGER PRIMARY KEY, source TEXT NOT NULL, shop_id TEXT NOT NULL, name TEXT, brand TEXT,
    url TEXT, image_sha256 TEXT REFERENCES images (sha256), first_seen INTEGER NOT NULL,
    UNIQUE (source, shop_id));
CREATE TABLE product_categories (
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    category_id INTEGER NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    rank INTEGER NOT NULL, PRIMARY KEY (product_id, category_id));
CREATE TABLE runs (
    id INTEGER PRIMARY KEY, program TEXT NOT NULL, started_at INTEGER NOT NULL,
    finished_at INTEGER, status TEXT NOT NULL);
INSERT INTO categories VALUES (1, 'casual', 'M', '캐주얼'), (2, 'chic', 'F', '시크');
INSERT INTO images VALUES
    ('1111111111111111111111111111111111111111111111111111111111111111', X'FFD8FFE0', 'image/jpeg', 136, 102,
     'https://image.msscdn.net/images/goods_img/20220101/100/100_1_big.jpg', '"e100"', 'Sat, 01 Jan 2022 00:00:00 GMT', 1640995200),
    ('2222222222222222222222222222222222222222222222222222222222222222', X'89504E47', 'image/png', 64, 48,
     NULL, NULL, NULL, 1640995300);
INSERT INTO products VALUES
    (10, 'musinsa', '100', '젤-1130', '아식스', 'https://www.musinsa.com/app/goods/100', '1111111111111111111111111111111111111111111111111111111111111111', 1640995200),
    (11, 'musinsa', '101', 'Loafer', 'Brand', 'https://www.musinsa.com/app/goods/101', '2222222222222222222222222222222222222222222222222222222222222222', 1640995300);
INSERT INTO product_categories VALUES (10, 1, 1), (11, 1, 2), (10, 2, 1);
INSERT INTO runs VALUES (1, 'crawler', 1640995000, 1640995400, 'ok');
