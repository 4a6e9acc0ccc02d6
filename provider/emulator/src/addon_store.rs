//! Installed addons, inspection configurations and inspection reports of
//! clusters, inside a transaction. The platform's own addons (the network
//! plugin, the scheduler) are not rows: every cluster has them.

use ack_api::model::{AddonInstance, InspectConfig, InspectReport};
use rusqlite::{params, Connection, OptionalExtension};

use crate::error::ApiResult;

pub fn get_addon(
    conn: &Connection,
    cluster_id: &str,
    name: &str,
) -> ApiResult<Option<AddonInstance>> {
    Ok(conn
        .query_row(
            "SELECT version, config, state FROM addons WHERE cluster_id = ?1 AND name = ?2",
            params![cluster_id, name],
            |r| {
                Ok(AddonInstance {
                    name: name.to_owned(),
                    version: r.get(0)?,
                    config: r.get(1)?,
                    state: r.get(2)?,
                })
            },
        )
        .optional()?)
}

pub fn list_addons(conn: &Connection, cluster_id: &str) -> ApiResult<Vec<AddonInstance>> {
    let mut stmt = conn.prepare_cached(
        "SELECT name, version, config, state FROM addons WHERE cluster_id = ?1 ORDER BY name",
    )?;
    let rows = stmt
        .query_map(params![cluster_id], |r| {
            Ok(AddonInstance {
                name: r.get(0)?,
                version: r.get(1)?,
                config: r.get(2)?,
                state: r.get(3)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(rows)
}

pub fn save_addon(conn: &Connection, cluster_id: &str, a: &AddonInstance) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO addons (cluster_id, name, version, config, state) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (cluster_id, name) DO UPDATE SET version = ?3, config = ?4, state = ?5",
        params![cluster_id, a.name, a.version, a.config, a.state],
    )?;
    Ok(())
}

pub fn delete_addon(conn: &Connection, cluster_id: &str, name: &str) -> ApiResult<()> {
    conn.execute(
        "DELETE FROM addons WHERE cluster_id = ?1 AND name = ?2",
        params![cluster_id, name],
    )?;
    Ok(())
}

pub fn get_inspect_config(conn: &Connection, cluster_id: &str) -> ApiResult<Option<InspectConfig>> {
    let doc: Option<String> = conn
        .query_row(
            "SELECT doc FROM inspect_configs WHERE cluster_id = ?1",
            params![cluster_id],
            |r| r.get(0),
        )
        .optional()?;
    Ok(match doc {
        Some(d) => Some(serde_json::from_str(&d)?),
        None => None,
    })
}

pub fn save_inspect_config(
    conn: &Connection,
    cluster_id: &str,
    c: &InspectConfig,
) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO inspect_configs (cluster_id, doc) VALUES (?1, ?2)
         ON CONFLICT (cluster_id) DO UPDATE SET doc = ?2",
        params![cluster_id, serde_json::to_string(c)?],
    )?;
    Ok(())
}

pub fn delete_inspect_config(conn: &Connection, cluster_id: &str) -> ApiResult<()> {
    conn.execute(
        "DELETE FROM inspect_configs WHERE cluster_id = ?1",
        params![cluster_id],
    )?;
    Ok(())
}

pub fn insert_report(conn: &Connection, cluster_id: &str, r: &InspectReport) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO inspect_reports (id, cluster_id, doc) VALUES (?1, ?2, ?3)",
        params![r.report_id, cluster_id, serde_json::to_string(r)?],
    )?;
    Ok(())
}

/// The cluster's reports, newest first.
pub fn list_reports(conn: &Connection, cluster_id: &str) -> ApiResult<Vec<InspectReport>> {
    let mut stmt = conn.prepare_cached(
        "SELECT doc FROM inspect_reports WHERE cluster_id = ?1 ORDER BY rowid DESC",
    )?;
    let docs = stmt
        .query_map(params![cluster_id], |r| r.get::<_, String>(0))?
        .collect::<Result<Vec<_>, _>>()?;
    docs.iter()
        .map(|d| serde_json::from_str(d).map_err(Into::into))
        .collect()
}

/// Everything of a deleted cluster.
pub fn delete_cluster(conn: &Connection, cluster_id: &str) -> ApiResult<()> {
    for table in ["addons", "inspect_configs", "inspect_reports"] {
        conn.execute(
            &format!("DELETE FROM {table} WHERE cluster_id = ?1"),
            params![cluster_id],
        )?;
    }
    Ok(())
}
