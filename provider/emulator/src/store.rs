//! Reading and writing clusters, node pools and tasks inside a transaction.

use ack_api::model::{ClusterDetail, NodePoolDetail, TaskInfo};
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::{ApiError, ApiResult};

/// A cluster row: the API document plus the emulator's side data.
#[derive(Debug, Clone)]
pub struct ClusterRow {
    pub doc: ClusterDetail,
    pub kms_changed_ms: Option<i64>,
    pub scheduler: Option<String>,
    pub scheduler_state: Option<String>,
    pub backup: Option<String>,
}

pub fn get_cluster(conn: &Connection, id: &str) -> ApiResult<ClusterRow> {
    find_cluster(conn, id)?.ok_or_else(|| ApiError::cluster_not_found(id))
}

pub fn find_cluster(conn: &Connection, id: &str) -> ApiResult<Option<ClusterRow>> {
    let row = conn
        .query_row(
            "SELECT doc, kms_changed_ms, scheduler, scheduler_state, backup FROM clusters WHERE id = ?1",
            params![id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, Option<i64>>(1)?,
                    r.get::<_, Option<String>>(2)?,
                    r.get::<_, Option<String>>(3)?,
                    r.get::<_, Option<String>>(4)?,
                ))
            },
        )
        .optional()?;
    match row {
        None => Ok(None),
        Some((doc, kms, sched, sched_state, backup)) => Ok(Some(ClusterRow {
            doc: serde_json::from_str(&doc)?,
            kms_changed_ms: kms,
            scheduler: sched,
            scheduler_state: sched_state,
            backup,
        })),
    }
}

pub fn list_clusters(conn: &Connection) -> ApiResult<Vec<ClusterDetail>> {
    let mut stmt = conn.prepare("SELECT doc FROM clusters ORDER BY rowid")?;
    let docs = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    docs.iter()
        .map(|d| serde_json::from_str(d).map_err(ApiError::from))
        .collect()
}

pub fn insert_cluster(conn: &Connection, c: &ClusterDetail) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO clusters (id, region, name, doc) VALUES (?1, ?2, ?3, ?4)",
        params![c.cluster_id, c.region_id, c.name, serde_json::to_string(c)?],
    )?;
    Ok(())
}

pub fn save_cluster(conn: &Connection, row: &ClusterRow) -> ApiResult<()> {
    let c = &row.doc;
    conn.execute(
        "UPDATE clusters SET region = ?2, name = ?3, doc = ?4, kms_changed_ms = ?5, scheduler = ?6,
            scheduler_state = ?7, backup = ?8 WHERE id = ?1",
        params![
            c.cluster_id,
            c.region_id,
            c.name,
            serde_json::to_string(c)?,
            row.kms_changed_ms,
            row.scheduler,
            row.scheduler_state,
            row.backup
        ],
    )?;
    Ok(())
}

pub fn delete_cluster(conn: &Connection, id: &str) -> ApiResult<()> {
    conn.execute("DELETE FROM node_pools WHERE cluster_id = ?1", params![id])?;
    conn.execute(
        "DELETE FROM cluster_logs WHERE cluster_id = ?1",
        params![id],
    )?;
    crate::addon_store::delete_cluster(conn, id)?;
    conn.execute("DELETE FROM clusters WHERE id = ?1", params![id])?;
    Ok(())
}

pub fn get_pool(conn: &Connection, cluster_id: &str, id: &str) -> ApiResult<NodePoolDetail> {
    let doc: Option<String> = conn
        .query_row(
            "SELECT doc FROM node_pools WHERE id = ?1 AND cluster_id = ?2",
            params![id, cluster_id],
            |r| r.get(0),
        )
        .optional()?;
    match doc {
        Some(d) => Ok(serde_json::from_str(&d)?),
        None => Err(ApiError::nodepool_not_found(id)),
    }
}

pub fn list_pools(conn: &Connection, cluster_id: &str) -> ApiResult<Vec<NodePoolDetail>> {
    let mut stmt =
        conn.prepare("SELECT doc FROM node_pools WHERE cluster_id = ?1 ORDER BY rowid")?;
    let docs = stmt
        .query_map(params![cluster_id], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    docs.iter()
        .map(|d| serde_json::from_str(d).map_err(ApiError::from))
        .collect()
}

pub fn save_pool(conn: &Connection, cluster_id: &str, p: &NodePoolDetail) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO node_pools (id, cluster_id, name, doc) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(id) DO UPDATE SET name = excluded.name, doc = excluded.doc",
        params![
            p.nodepool_info.nodepool_id,
            cluster_id,
            p.nodepool_info.name,
            serde_json::to_string(p)?
        ],
    )?;
    Ok(())
}

pub fn delete_pool(conn: &Connection, id: &str) -> ApiResult<()> {
    conn.execute("DELETE FROM node_pools WHERE id = ?1", params![id])?;
    Ok(())
}

/// A task row.
#[derive(Debug, Clone)]
pub struct TaskRow {
    pub info: TaskInfo,
    pub nodepool_id: Option<String>,
    pub due_ms: i64,
    pub payload: serde_json::Value,
}

pub fn get_task(conn: &Connection, id: &str) -> ApiResult<Option<TaskRow>> {
    let row = conn
        .query_row(
            "SELECT id, cluster_id, nodepool_id, task_type, state, due_ms, payload, created, updated FROM tasks WHERE id = ?1",
            params![id],
            task_from_row,
        )
        .optional()?;
    Ok(row)
}

fn task_from_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<TaskRow> {
    let payload: String = r.get(6)?;
    let payload: serde_json::Value = serde_json::from_str(&payload).unwrap_or_default();
    let error = payload
        .get("error")
        .and_then(|e| serde_json::from_value(e.clone()).ok());
    Ok(TaskRow {
        info: TaskInfo {
            task_id: r.get(0)?,
            cluster_id: r.get(1)?,
            task_type: r.get(3)?,
            state: r.get(4)?,
            error,
            created: r.get(7)?,
            updated: r.get(8)?,
        },
        nodepool_id: r.get(2)?,
        due_ms: r.get(5)?,
        payload,
    })
}

/// Tasks still running whose time has come.
pub fn due_tasks(conn: &Connection, now_ms: i64) -> ApiResult<Vec<TaskRow>> {
    let mut stmt = conn.prepare(
        "SELECT id, cluster_id, nodepool_id, task_type, state, due_ms, payload, created, updated
         FROM tasks WHERE state = 'running' AND due_ms <= ?1 ORDER BY due_ms",
    )?;
    let rows = stmt
        .query_map(params![now_ms], task_from_row)?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

/// The soonest due time of a running task.
pub fn next_due(conn: &Connection) -> ApiResult<Option<i64>> {
    Ok(conn.query_row(
        "SELECT MIN(due_ms) FROM tasks WHERE state = 'running'",
        [],
        |r| r.get(0),
    )?)
}

pub fn insert_task(conn: &Connection, t: &TaskRow) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO tasks (id, cluster_id, nodepool_id, task_type, state, due_ms, payload, created, updated)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            t.info.task_id,
            t.info.cluster_id,
            t.nodepool_id,
            t.info.task_type,
            t.info.state,
            t.due_ms,
            t.payload.to_string(),
            t.info.created,
            t.info.updated
        ],
    )?;
    Ok(())
}

pub fn finish_task(
    conn: &Connection,
    id: &str,
    state: &str,
    updated: &str,
    payload: &serde_json::Value,
) -> ApiResult<()> {
    conn.execute(
        "UPDATE tasks SET state = ?2, updated = ?3, payload = ?4 WHERE id = ?1",
        params![id, state, updated, payload.to_string()],
    )?;
    Ok(())
}

pub fn count(conn: &Connection, table: &str) -> ApiResult<u64> {
    // `table` is one of our own constants, never user input.
    let n: i64 = conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or(0))
}
