//! What differs between SQLite and PostgreSQL: URLs, pools, per-connection settings, migrations.

use super::codec::db_error;
use crate::{StoreError, StoreResult};
use sqlx::any::{install_default_drivers, AnyPoolOptions};
use sqlx::migrate::Migrator;
use sqlx::{AnyConnection, AnyPool, Connection, Executor};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

static SQLITE_MIGRATIONS: Migrator = sqlx::migrate!("migrations/sqlite");
static POSTGRES_MIGRATIONS: Migrator = sqlx::migrate!("migrations/postgres");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl std::fmt::Display for Backend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        })
    }
}

/// Where the data lives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreConfig {
    /// An SQLite database file, created if missing readable by its owner only (0600).
    SqliteFile(PathBuf),
    /// A private in-memory SQLite database, kept while the store lives and gone when it is dropped.
    SqliteMemory,
    /// A PostgreSQL database; `schema`, when set, is created if missing and used for every table.
    Postgres {
        url: String,
        schema: Option<String>,
        max_connections: u32,
    },
}

/// The pools a store uses: SQLite gets a single writer connection (SQLite serialises writers
/// anyway, and one writer never meets `SQLITE_BUSY`), readers share the rest.
pub(crate) struct Pools {
    pub backend: Backend,
    pub read: AnyPool,
    pub write: AnyPool,
    /// `read` and `write` are one pool (SQLite in memory, PostgreSQL).
    pub shared: bool,
    /// SQLite in memory: the connection that keeps the database alive, never used for queries.
    keeper: Mutex<Option<AnyConnection>>,
}

impl Pools {
    /// Closes every connection; an in-memory database is gone afterwards.
    pub async fn close(&self) {
        self.write.close().await;
        self.read.close().await;
        let keeper = self.keeper.lock().ok().and_then(|mut keeper| keeper.take());
        if let Some(keeper) = keeper {
            // Closing only releases the memory; there is nothing to flush.
            let _ = keeper.close().await;
        }
    }
}

const SQLITE_SETTINGS: &str = "PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000; \
     PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;";

pub(crate) async fn connect(config: &StoreConfig) -> StoreResult<Pools> {
    install_default_drivers();
    match config {
        StoreConfig::SqliteMemory => {
            // A named shared-cache memory database lives while any connection to it is open. The
            // pool may drop and reopen its connection (a caller cancelled mid-query leaves it in
            // an unknown state), so a keeper connection that is never handed out holds the data.
            // Reads and writes share one pooled connection: shared-cache locking answers
            // SQLITE_LOCKED rather than waiting, so a second connection would fail under load.
            let url = format!(
                "sqlite:file:portico-{}?mode=memory&cache=shared",
                uuid::Uuid::new_v4().simple()
            );
            let keeper = AnyConnection::connect(&url).await.map_err(db_error)?;
            let pool = sqlite_pool(1).connect(&url).await.map_err(db_error)?;
            Ok(Pools {
                backend: Backend::Sqlite,
                read: pool.clone(),
                write: pool,
                shared: true,
                keeper: Mutex::new(Some(keeper)),
            })
        }
        StoreConfig::SqliteFile(path) => {
            create_private_file(path).map_err(|e| {
                StoreError::Database(format!("cannot create {}: {e}", path.display()))
            })?;
            let url = format!("sqlite://{}?mode=rwc", path.display());
            let write = sqlite_pool(1).connect(&url).await.map_err(db_error)?;
            let read = sqlite_pool(4).connect(&url).await.map_err(db_error)?;
            Ok(Pools {
                backend: Backend::Sqlite,
                read,
                write,
                shared: false,
                keeper: Mutex::new(None),
            })
        }
        StoreConfig::Postgres {
            url,
            schema,
            max_connections,
        } => {
            if let Some(schema) = schema {
                create_schema(url, schema).await?;
            }
            let search_path = schema
                .as_ref()
                .map(|s| format!("SET search_path TO {}", quote_ident(s)));
            let pool = AnyPoolOptions::new()
                .max_connections(*max_connections)
                .acquire_timeout(Duration::from_secs(10))
                .after_connect(move |conn, _meta| {
                    let search_path = search_path.clone();
                    Box::pin(async move {
                        if let Some(statement) = search_path {
                            conn.execute(statement.as_str()).await?;
                        }
                        Ok(())
                    })
                })
                .connect(url)
                .await
                .map_err(db_error)?;
            Ok(Pools {
                backend: Backend::Postgres,
                read: pool.clone(),
                write: pool,
                shared: true,
                keeper: Mutex::new(None),
            })
        }
    }
}

/// Creates the database file (and missing directories) readable by its owner only, before
/// SQLite opens it: SQLite gives the `-wal` and `-shm` files the database file's permissions.
/// An existing file keeps the permissions it has.
fn create_private_file(path: &Path) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|dir| !dir.as_os_str().is_empty()) {
        let mut builder = std::fs::DirBuilder::new();
        builder.recursive(true);
        #[cfg(unix)]
        std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
        builder.create(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(path) {
        // An empty file is an empty SQLite database.
        Ok(_) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
        Err(e) => Err(e),
    }
}

fn sqlite_pool(max_connections: u32) -> AnyPoolOptions {
    AnyPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(Duration::from_secs(30))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                conn.execute(SQLITE_SETTINGS).await?;
                Ok(())
            })
        })
}

async fn create_schema(url: &str, schema: &str) -> StoreResult<()> {
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(url)
        .await
        .map_err(db_error)?;
    let statement = format!("CREATE SCHEMA IF NOT EXISTS {}", quote_ident(schema));
    let result = pool.execute(statement.as_str()).await;
    pool.close().await;
    // Two stores creating the same schema at once may race; the loser's error is harmless.
    match result {
        Ok(_) => Ok(()),
        Err(e)
            if e.to_string().contains("already exists")
                || e.to_string().contains("duplicate key") =>
        {
            Ok(())
        }
        Err(e) => Err(db_error(e)),
    }
}

fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Applies pending migrations and, on SQLite, checks the file's integrity (D6).
pub(crate) async fn prepare(pools: &Pools) -> StoreResult<()> {
    let migrator = match pools.backend {
        Backend::Sqlite => &SQLITE_MIGRATIONS,
        Backend::Postgres => &POSTGRES_MIGRATIONS,
    };
    migrator
        .run(&pools.write)
        .await
        .map_err(|e| StoreError::Database(format!("migration failed: {e}")))?;
    if pools.backend == Backend::Sqlite {
        let row: (String,) = sqlx::query_as("PRAGMA quick_check")
            .fetch_one(&pools.write)
            .await
            .map_err(db_error)?;
        if row.0 != "ok" {
            return Err(StoreError::Corrupt(format!(
                "SQLite quick_check: {}",
                row.0
            )));
        }
    }
    Ok(())
}
