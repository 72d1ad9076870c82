/* Embeds db/schema.sql and the migration scripts into libdb as NUL-terminated strings, so the
 * programs never read the schema from a path at run time (declared in db/catalog_sql.h). */
    .section .rodata
    .global catalog_schema_sql
catalog_schema_sql:
    .incbin "db/schema.sql"
    .byte 0
    .global catalog_migrate_v1_to_v2_sql
catalog_migrate_v1_to_v2_sql:
    .incbin "db/migrate_v1_to_v2.sql"
    .byte 0
    .section .note.GNU-stack,"",@progbits
