-- Solemate catalog schema, version 2: the single source of truth, embedded into the programs at
-- build time and executed on an empty database.  Older catalogs are brought here by the forward
-- migrations in db/migrate_v*_to_v*.sql (see db/catalog.c).  PRAGMA user_version holds the
-- version; the catalog library sets WAL mode, foreign_keys=ON and a busy timeout on every open.
--
-- Conventions: times are Unix seconds (INTEGER, UTC); SHA-256 digests are 64 lower-case hex
-- characters (TEXT); rows are never updated in place by a reader; every program writes in
-- explicit transactions.

-- The style categories of the shop (19: 8 men's, 11 women's), loaded from the site profile.
CREATE TABLE categories (
    id          INTEGER PRIMARY KEY,
    code        TEXT NOT NULL,                       -- the shop's style_type code, e.g. 'casual'
    gender      TEXT NOT NULL CHECK (gender IN ('M', 'F')), -- the global gender filter it is crawled with
    name        TEXT NOT NULL,                       -- display name as the shop shows it (Korean)
    UNIQUE (code, gender)
);

-- Where products come from: a crawled shop (site profile name) or a local import.
CREATE TABLE products (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,                       -- profile name ('musinsa', 'fixture') or 'import'
    shop_id     TEXT NOT NULL,                       -- the shop's goods number, or the imported file's path
    name        TEXT,                                -- product name as listed
    brand       TEXT,                                -- brand as listed
    url         TEXT,                                -- canonical product page URL (NULL for imports)
    kind        TEXT NOT NULL DEFAULT 'shoe'
                CHECK (kind IN ('shoe', 'other', 'unknown', 'gone')), -- what the product page decided
    shop_category TEXT,                              -- the shop's item category code, e.g. '018002'
    label       TEXT,                                -- evaluation label (imports with --labels), e.g. 'boot'
    image_sha256 TEXT REFERENCES images (sha256),    -- the product's current photo (NULL: none stored)
    image_url   TEXT,                                -- URL the current photo was fetched from
    first_seen  INTEGER NOT NULL,                    -- when the product was first stored
    updated_at  INTEGER NOT NULL,                    -- when any column last changed
    UNIQUE (source, shop_id)
);
CREATE INDEX products_image ON products (image_sha256);

-- Product photos, content-addressed: one row per distinct byte string, whatever URL served it.
CREATE TABLE images (
    sha256      TEXT PRIMARY KEY CHECK (length(sha256) = 64), -- SHA-256 of bytes
    bytes       BLOB NOT NULL,                       -- the file exactly as fetched or imported
    mime        TEXT NOT NULL,                       -- type sniffed from the bytes: image/jpeg, image/png, ...
    width       INTEGER NOT NULL CHECK (width > 0),  -- decoded size in pixels
    height      INTEGER NOT NULL CHECK (height > 0),
    created_at  INTEGER NOT NULL
);

-- Codimap (outfit) pages seen by the crawler.
CREATE TABLE outfits (
    id          INTEGER PRIMARY KEY,
    source      TEXT NOT NULL,                       -- profile name
    shop_id     TEXT NOT NULL,                       -- the shop's codimap id
    title       TEXT,                                -- outfit title
    url         TEXT NOT NULL,                       -- detail page URL
    first_seen  INTEGER NOT NULL,
    last_seen   INTEGER NOT NULL,
    UNIQUE (source, shop_id)
);

-- Which shoe was found in which category: the crawler's result, 60 per category.
CREATE TABLE product_categories (
    product_id  INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    category_id INTEGER NOT NULL REFERENCES categories (id) ON DELETE CASCADE,
    outfit_id   INTEGER REFERENCES outfits (id) ON DELETE SET NULL, -- the outfit it was first found in
    rank        INTEGER NOT NULL CHECK (rank > 0),   -- 1-based order of discovery within the category
    PRIMARY KEY (product_id, category_id)
);
CREATE INDEX product_categories_category ON product_categories (category_id, rank);

-- HTTP validators per fetched URL, for conditional re-crawls (pages and images alike).
CREATE TABLE http_cache (
    url         TEXT PRIMARY KEY,                    -- the URL as requested
    etag        TEXT,                                -- ETag of the last 200 response
    last_modified TEXT,                              -- Last-Modified of the last 200 response
    status      INTEGER NOT NULL,                    -- last HTTP status (0: network error)
    image_sha256 TEXT REFERENCES images (sha256),    -- for image URLs: what the bytes were
    body        BLOB,                                -- for HTML pages: the last 200 body, re-read on 304
    fetched_at  INTEGER NOT NULL
);

-- Feature extractors known to the catalog.  A feature row is current only while its
-- weights_sha256 and preprocessing equal the model's; anything else is stale and recomputed.
CREATE TABLE models (
    name        TEXT PRIMARY KEY,                    -- 'resnet18', 'vgg16', 'vgg16-fc7', 'mobilenet', 'pixel'
    weights_sha256 TEXT,                             -- digest of the weights file (NULL for 'pixel')
    dim         INTEGER NOT NULL CHECK (dim > 0),    -- feature dimension
    dtype       TEXT NOT NULL DEFAULT 'f32' CHECK (dtype IN ('f32', 'u8')), -- element type of vectors
    preprocessing TEXT NOT NULL,                     -- e.g. 'torchvision-crop224', 'tf-squash224'
    updated_at  INTEGER NOT NULL
);

-- One feature vector per image and model.  Format of vector: dim elements, little-endian,
-- 'f32' = IEEE-754 float32 (4*dim bytes), 'u8' = unsigned bytes (dim bytes, the pixel baseline).
CREATE TABLE features (
    image_sha256 TEXT NOT NULL REFERENCES images (sha256) ON DELETE CASCADE,
    model       TEXT NOT NULL REFERENCES models (name) ON DELETE CASCADE,
    weights_sha256 TEXT,                             -- the model's weights digest when computed
    preprocessing TEXT NOT NULL,                     -- the preprocessing used
    dim         INTEGER NOT NULL CHECK (dim > 0),
    vector      BLOB NOT NULL,                       -- see the format above
    computed_at INTEGER NOT NULL,
    PRIMARY KEY (image_sha256, model)
);

-- Precomputed neighbours per model and metric ('cosine': similarity, higher is closer;
-- 'l2': Euclidean distance, lower is closer).  Replaced atomically per (model, metric).
CREATE TABLE neighbors (
    model       TEXT NOT NULL REFERENCES models (name) ON DELETE CASCADE,
    metric      TEXT NOT NULL CHECK (metric IN ('cosine', 'l2')),
    product_id  INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    rank        INTEGER NOT NULL CHECK (rank > 0),   -- 1 = closest
    neighbor_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    score       REAL NOT NULL,
    PRIMARY KEY (model, metric, product_id, rank)
);

-- One row per program run: what it did, how it ended.  A run killed before it finished stays
-- 'running' until the next run of the same program marks it 'interrupted'.
CREATE TABLE runs (
    id          INTEGER PRIMARY KEY,
    program     TEXT NOT NULL,                       -- 'crawler', 'extractor', 'recommender'
    args        TEXT,                                -- the command line, for the record
    started_at  INTEGER NOT NULL,
    finished_at INTEGER,
    status      TEXT NOT NULL DEFAULT 'running'
                CHECK (status IN ('running', 'ok', 'failed', 'interrupted')),
    summary     TEXT                                 -- JSON object of counts, as printed by --json
);

-- Everything that went wrong with one item while the run went on.
CREATE TABLE faults (
    id          INTEGER PRIMARY KEY,
    run_id      INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    url         TEXT NOT NULL,                       -- URL, file path or image digest of the item
    kind        TEXT NOT NULL,                       -- short class: 'http', 'network', 'not-image', 'too-large', ...
    reason      TEXT NOT NULL,                       -- one line saying why
    at          INTEGER NOT NULL
);
CREATE INDEX faults_run ON faults (run_id);

-- What each neighbours build was computed from (written by the recommender in the same
-- transaction as its neighbors rows): a build is current while the model's current features,
-- k and the near-duplicate threshold are unchanged, so a rebuild is skipped.
CREATE TABLE neighbor_builds (
    model       TEXT NOT NULL REFERENCES models (name) ON DELETE CASCADE,
    metric      TEXT NOT NULL CHECK (metric IN ('cosine', 'l2')),
    k           INTEGER NOT NULL CHECK (k > 0),      -- neighbours per product
    near_duplicate REAL NOT NULL,                    -- cosine at or above which photos collapse
    products    INTEGER NOT NULL,                    -- products with a current feature
    features_digest TEXT NOT NULL,                   -- SHA-256 over (product, image, computed_at) used
    built_at    INTEGER NOT NULL,
    PRIMARY KEY (model, metric)
);

-- Ranked recommendations for SQL users: e.g. SELECT rank, neighbor_name, score FROM
-- recommendations WHERE product_id = 42 AND model = 'mobilenet' AND metric = 'cosine' ORDER BY rank.
CREATE VIEW recommendations AS
SELECT n.product_id, q.name AS product_name, n.model, n.metric, n.rank,
       n.neighbor_id, p.name AS neighbor_name, p.url AS neighbor_url,
       p.image_sha256 AS neighbor_image_sha256, n.score
FROM neighbors AS n
JOIN products AS p ON p.id = n.neighbor_id
JOIN products AS q ON q.id = n.product_id;
