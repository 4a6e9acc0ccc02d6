//! Where a scaling activity puts new nodes, and why it cannot: vSwitches in
//! the order given (the `PRIORITY` policy), each node taking an address of
//! its vSwitch and an instance type in stock in the vSwitch's zone (at a
//! spot price within the pool's limit). What cannot be placed is reported
//! the way ECS reports it, naming the pool, zone and instance type.

use ack_api::model::NodePoolDetail;
use rusqlite::Connection;

use crate::error::ApiResult;
use crate::faults::Capacity;
use crate::inventory;

/// The outcome of placing `wanted` nodes.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Placement {
    pub placed: u64,
    /// ECS's code and a message, when some nodes could not be created.
    pub failure: Option<(String, String)>,
}

/// Why an instance type cannot be had in a zone, if it cannot.
fn refused(
    pool: &NodePoolDetail,
    ty: &str,
    zone: &str,
    cap: &Capacity,
) -> Option<(String, String)> {
    if cap
        .stockouts
        .iter()
        .any(|s| s.zone_id == zone && s.instance_type == ty)
    {
        return Some((
            "OperationDenied.NoStock".into(),
            format!("instance type {ty} is out of stock in zone {zone}"),
        ));
    }
    let sg = &pool.scaling_group;
    if sg.spot_strategy.as_deref() == Some("SpotWithPriceLimit") {
        let limit = sg
            .spot_price_limit
            .iter()
            .find(|l| l.instance_type == ty)
            .and_then(|l| l.price_limit.parse::<f64>().ok());
        if let (Some(limit), Some(market)) = (limit, cap.spot_prices.get(ty)) {
            if limit < *market {
                return Some((
                    "InvalidSpotPriceLimit.LowerThanPublicPrice".into(),
                    format!("the spot price limit {limit} of {ty} is below the market price {market} in zone {zone}"),
                ));
            }
        }
    }
    None
}

/// Places `wanted` nodes of `pool` (in `region`), taking addresses from the
/// inventory's vSwitches.
pub fn place(
    conn: &Connection,
    region: &str,
    pool: &NodePoolDetail,
    wanted: u64,
    cap: &Capacity,
) -> ApiResult<Placement> {
    let mut inv = inventory::load(conn, region)?;
    let mut left = wanted;
    let mut reasons: Vec<(String, String)> = Vec::new();
    for id in &pool.scaling_group.vswitch_ids {
        if left == 0 {
            break;
        }
        let Some(vsw) = inv.vswitches.iter_mut().find(|v| &v.id == id) else {
            continue;
        };
        let zone = vsw.zone_id.clone();
        let mut refusals = Vec::new();
        let in_stock = pool.scaling_group.instance_types.iter().find(|ty| {
            match refused(pool, ty, &zone, cap) {
                Some(r) => {
                    refusals.push(r);
                    false
                }
                None => true,
            }
        });
        if in_stock.is_none() {
            reasons.extend(refusals);
            continue;
        }
        let n = left.min(vsw.available_ips);
        if n < left {
            reasons.push((
                "InvalidVSwitchId.IpNotEnough".into(),
                format!("vSwitch {id} in zone {zone} has no free IP address left"),
            ));
        }
        vsw.available_ips -= n;
        if n > 0 {
            *vsw.allocated
                .entry(pool.nodepool_info.nodepool_id.clone())
                .or_default() += n;
        }
        left -= n;
    }
    if wanted > left {
        inventory::save(conn, region, &inv)?;
    }
    let failure = (left > 0).then(|| {
        let code = reasons
            .first()
            .map_or_else(|| "OperationDenied.NoStock".to_owned(), |r| r.0.clone());
        let why: Vec<String> = reasons.into_iter().map(|r| r.1).collect();
        let message = format!(
            "Node pool {} ({}) could create {} of {} nodes: {}.",
            pool.nodepool_info.nodepool_id,
            pool.nodepool_info.name,
            wanted - left,
            wanted,
            if why.is_empty() {
                "no usable vSwitch".to_owned()
            } else {
                why.join("; ")
            }
        );
        (code, message)
    });
    Ok(Placement {
        placed: wanted - left,
        failure,
    })
}

/// Gives `n` addresses of `pool`'s nodes (scaled in or deleted) back to
/// the vSwitches they were taken from.
pub fn release(conn: &Connection, region: &str, pool: &NodePoolDetail, n: u64) -> ApiResult<()> {
    let mut inv = inventory::load(conn, region)?;
    let id = &pool.nodepool_info.nodepool_id;
    let mut left = n;
    for v in inv.vswitches.iter_mut().rev() {
        let Some(taken) = v.allocated.get_mut(id) else {
            continue;
        };
        let back = left.min(*taken);
        *taken -= back;
        if *taken == 0 {
            v.allocated.remove(id);
        }
        v.available_ips = v.available_ips.saturating_add(back);
        left -= back;
        if left == 0 {
            break;
        }
    }
    if left < n {
        inventory::save(conn, region, &inv)?;
    }
    Ok(())
}
