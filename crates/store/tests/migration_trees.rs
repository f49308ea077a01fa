//! The two migration trees (`migrations/sqlite`, `migrations/postgres`) must describe one schema:
//! the same migrations, and after running them the same tables, columns and named indexes. The
//! PostgreSQL half runs when `PORTICO_TEST_DATABASE_URL` is set (required with
//! `PORTICO_REQUIRE_POSTGRES=1`, as in the conformance suite).

#![allow(clippy::unwrap_used, clippy::expect_used)] // Test code: a panic is a failed test.

use portico_store::{SqlStore, StoreConfig};
use sqlx::Row;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Table → its columns, plus the indexes a migration created by name.
#[derive(Debug, PartialEq, Eq)]
struct Schema {
    tables: BTreeMap<String, BTreeSet<String>>,
    indexes: BTreeSet<String>,
}

fn migration_files(backend: &str) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("migrations")
        .join(backend);
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("migrations directory")
        .map(|entry| entry.expect("entry").file_name().to_string_lossy().into())
        .collect();
    names.sort();
    names
}

#[test]
fn both_trees_have_the_same_migrations() {
    let sqlite = migration_files("sqlite");
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, migration_files("postgres"));
}

async fn sqlite_schema() -> Schema {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("portico.db");
    let store = SqlStore::open(&StoreConfig::SqliteFile(path.clone()))
        .await
        .expect("open sqlite");
    store.close().await;
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", path.display()))
        .await
        .expect("connect");
    let rows = sqlx::query(
        "SELECT m.name AS t, p.name AS c FROM sqlite_master m JOIN pragma_table_info(m.name) p \
         WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name <> '_sqlx_migrations'",
    )
    .fetch_all(&pool)
    .await
    .expect("columns");
    let indexes = sqlx::query(
        "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL \
         AND tbl_name <> '_sqlx_migrations'",
    )
    .fetch_all(&pool)
    .await
    .expect("indexes");
    schema(
        rows.iter().map(|r| (r.get("t"), r.get("c"))),
        indexes.iter().map(|r| r.get("name")),
    )
}

async fn postgres_schema(url: String) -> Schema {
    let schema_name = format!("t_migrations_{}", uuid::Uuid::new_v4().simple());
    let store = SqlStore::open(&StoreConfig::Postgres {
        url: url.clone(),
        schema: Some(schema_name.clone()),
        max_connections: 2,
    })
    .await
    .expect("open postgres");
    store.close().await;
    let pool = sqlx::PgPool::connect(&url).await.expect("connect");
    let rows = sqlx::query(
        "SELECT table_name::text AS t, column_name::text AS c FROM information_schema.columns \
         WHERE table_schema = $1 AND table_name <> '_sqlx_migrations'",
    )
    .bind(&schema_name)
    .fetch_all(&pool)
    .await
    .expect("columns");
    // Indexes a migration named, not those PostgreSQL made for a primary key or UNIQUE constraint
    // (SQLite's counterparts are its unnamed `sqlite_autoindex_*`).
    let indexes = sqlx::query(
        "SELECT i.relname::text AS name FROM pg_index x \
         JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid \
         JOIN pg_namespace n ON n.oid = t.relnamespace \
         WHERE n.nspname = $1 AND t.relname <> '_sqlx_migrations' \
         AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)",
    )
    .bind(&schema_name)
    .fetch_all(&pool)
    .await
    .expect("indexes");
    let found = schema(
        rows.iter().map(|r| (r.get("t"), r.get("c"))),
        indexes.iter().map(|r| r.get("name")),
    );
    sqlx::query(&format!("DROP SCHEMA \"{schema_name}\" CASCADE"))
        .execute(&pool)
        .await
        .expect("drop schema");
    found
}

fn schema(
    columns: impl Iterator<Item = (String, String)>,
    indexes: impl Iterator<Item = String>,
) -> Schema {
    let mut tables: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for (table, column) in columns {
        tables.entry(table).or_default().insert(column);
    }
    Schema {
        tables,
        indexes: indexes.collect(),
    }
}

#[tokio::test]
async fn both_trees_build_the_same_tables_columns_and_indexes() {
    let sqlite = sqlite_schema().await;
    assert!(sqlite.tables.len() > 10, "{:?}", sqlite.tables.keys());
    let Ok(url) = std::env::var("PORTICO_TEST_DATABASE_URL") else {
        assert!(
            std::env::var("PORTICO_REQUIRE_POSTGRES").is_err(),
            "PORTICO_REQUIRE_POSTGRES is set but PORTICO_TEST_DATABASE_URL is not"
        );
        eprintln!("skipped on PostgreSQL: PORTICO_TEST_DATABASE_URL is not set");
        return;
    };
    let postgres = postgres_schema(url).await;
    for (table, columns) in &sqlite.tables {
        assert_eq!(
            Some(columns),
            postgres.tables.get(table),
            "columns of table {table}"
        );
    }
    assert_eq!(
        sqlite.tables.keys().collect::<Vec<_>>(),
        postgres.tables.keys().collect::<Vec<_>>(),
        "tables"
    );
    assert_eq!(sqlite.indexes, postgres.indexes, "named indexes");
}
