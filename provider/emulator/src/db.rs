//! SQLite persistence (bundled, WAL). Every acknowledged change is committed
//! before the response is sent, so a `kill -9` loses nothing; running tasks
//! are rows with a due time, so they resume after a restart.

use rusqlite::{params, Connection};

use crate::error::ApiResult;

/// Versioned migrations; `PRAGMA user_version` records how many ran.
const MIGRATIONS: &[&str] = &[
    // 1: clusters, node pools, tasks, nonces.
    "CREATE TABLE clusters (
        id TEXT PRIMARY KEY,
        region TEXT NOT NULL,
        name TEXT NOT NULL,
        doc TEXT NOT NULL,
        kms_changed_ms INTEGER,
        scheduler TEXT,
        scheduler_state TEXT,
        backup TEXT
    );
    CREATE INDEX clusters_name ON clusters(region, name);
    CREATE TABLE node_pools (
        id TEXT PRIMARY KEY,
        cluster_id TEXT NOT NULL,
        name TEXT NOT NULL,
        doc TEXT NOT NULL
    );
    CREATE INDEX node_pools_cluster ON node_pools(cluster_id);
    CREATE TABLE tasks (
        id TEXT PRIMARY KEY,
        cluster_id TEXT NOT NULL,
        nodepool_id TEXT,
        task_type TEXT NOT NULL,
        state TEXT NOT NULL,
        due_ms INTEGER NOT NULL,
        payload TEXT NOT NULL DEFAULT '{}',
        created TEXT NOT NULL,
        updated TEXT NOT NULL
    );
    CREATE INDEX tasks_due ON tasks(state, due_ms);
    CREATE TABLE nonces (
        nonce TEXT PRIMARY KEY,
        seen_ms INTEGER NOT NULL
    );",
    // 2: expiring old nonces must not scan the whole table.
    "CREATE INDEX nonces_seen ON nonces(seen_ms);",
    // 3: a nonce is kept until its request's own date + 15 minutes (a
    // request dated ahead of the server stays valid that long).
    "ALTER TABLE nonces ADD COLUMN expires_ms INTEGER NOT NULL DEFAULT 0;
    UPDATE nonces SET expires_ms = seen_ms + 900000;
    CREATE INDEX nonces_expires ON nonces(expires_ms);",
    // 4: each region's network inventory, once it differs from the defaults.
    "CREATE TABLE inventory (
        region TEXT PRIMARY KEY,
        doc TEXT NOT NULL
    );",
    // 5: control-plane and audit logs of clusters.
    "CREATE TABLE cluster_logs (
        cluster_id TEXT PRIMARY KEY,
        controlplane TEXT,
        audit TEXT
    );",
    // 6: installed addons (the platform's own are implied), inspection
    // configurations and reports.
    "CREATE TABLE addons (
        cluster_id TEXT NOT NULL,
        name TEXT NOT NULL,
        version TEXT NOT NULL,
        config TEXT NOT NULL,
        state TEXT NOT NULL,
        PRIMARY KEY (cluster_id, name)
    );
    CREATE TABLE inspect_configs (
        cluster_id TEXT PRIMARY KEY,
        doc TEXT NOT NULL
    );
    CREATE TABLE inspect_reports (
        id TEXT PRIMARY KEY,
        cluster_id TEXT NOT NULL,
        doc TEXT NOT NULL
    );
    CREATE INDEX inspect_reports_cluster ON inspect_reports(cluster_id);",
];

/// How hard each commit is pushed to disk (SQLite `synchronous` in WAL mode).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Durability {
    /// `FULL`: the WAL is synced at every commit, so an acknowledged change
    /// survives a power loss or an OS crash. Costs an fsync per change.
    #[default]
    Full,
    /// `NORMAL`: synced at checkpoints only. Survives a crash or `kill -9` of
    /// the emulator, but a power loss may lose the last acknowledged changes.
    Normal,
}

impl Durability {
    fn pragma(self) -> &'static str {
        match self {
            Durability::Full => "FULL",
            Durability::Normal => "NORMAL",
        }
    }
}

impl std::str::FromStr for Durability {
    type Err = String;
    fn from_str(s: &str) -> Result<Durability, String> {
        match s {
            "full" => Ok(Durability::Full),
            "normal" => Ok(Durability::Normal),
            other => Err(format!("{other:?} is not a durability; use full or normal")),
        }
    }
}

/// Opens (creating if needed) the database at `path` (`:memory:` allowed)
/// and brings its schema up to date.
pub fn open(path: &str, durability: Durability) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", durability.pragma())?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.busy_timeout(std::time::Duration::from_secs(5))?;
    migrate(&conn)?;
    crate::kubeconfig::migrate(&conn)?;
    Ok(conn)
}

fn migrate(conn: &Connection) -> rusqlite::Result<()> {
    let current: usize = conn
        .pragma_query_value(None, "user_version", |r| r.get::<_, i64>(0))?
        .try_into()
        .unwrap_or(0);
    for (i, sql) in MIGRATIONS.iter().enumerate().skip(current) {
        let tx = conn.unchecked_transaction()?;
        tx.execute_batch(sql)?;
        tx.pragma_update(None, "user_version", (i + 1) as i64)?;
        tx.commit()?;
    }
    Ok(())
}

/// The schema version this build migrates to.
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// The schema version after migrations.
pub fn schema_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
}

/// Records a signature nonce, kept until `expires_ms`; false when it is
/// still remembered (a replay).
pub fn remember_nonce(
    conn: &Connection,
    nonce: &str,
    now_ms: i64,
    expires_ms: i64,
) -> ApiResult<bool> {
    conn.prepare_cached("DELETE FROM nonces WHERE expires_ms < ?1")?
        .execute(params![now_ms])?;
    let inserted = conn
        .prepare_cached(
            "INSERT OR IGNORE INTO nonces (nonce, seen_ms, expires_ms) VALUES (?1, ?2, ?3)",
        )?
        .execute(params![nonce, now_ms, expires_ms])?;
    Ok(inserted == 1)
}

/// The `synchronous` setting in force (0 off, 1 normal, 2 full).
pub fn synchronous(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "synchronous", |r| r.get(0))
}
