/* The SQL texts embedded by db/schema_blob.S: the current schema and the forward migrations. */
#ifndef SOLEMATE_CATALOG_SQL_H
#define SOLEMATE_CATALOG_SQL_H

extern const char catalog_schema_sql[];
extern const char catalog_migrate_v1_to_v2_sql[];

#endif
