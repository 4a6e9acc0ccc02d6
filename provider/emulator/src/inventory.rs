//! The network objects the emulator knows per region — VPCs with their
//! CIDR blocks, vSwitches per zone with theirs (and free addresses),
//! security groups, key pairs and KMS keys — against which requests are
//! checked as the service checks them: an unknown ID, a vSwitch of another
//! VPC or a pod block inside the VPC is refused.
//!
//! Every region starts with the documented default set ([`defaults`]); an
//! admin call (`POST /_emulator/inventory`) adds or replaces objects, and
//! creates that ask the service to make a VPC (`zone_ids`) add theirs. The
//! inventory of a region is stored (SQLite) once it differs from the
//! defaults.

use rusqlite::{params, Connection, OptionalExtension};
use serde::{Deserialize, Serialize};

use crate::error::{ApiError, ApiResult};

/// The default VPC of every region (192.168.0.0/16).
pub const DEFAULT_VPC: &str = "vpc-ack00000000000000001";
/// Node vSwitches of the default VPC, one per zone `<region>-a`, `-b`, `-c`.
pub const DEFAULT_VSWITCHES: [&str; 3] = [
    "vsw-ack00000000000000001",
    "vsw-ack00000000000000002",
    "vsw-ack00000000000000003",
];
/// Pod vSwitches (Terway) of the default VPC, in the same three zones.
pub const DEFAULT_POD_VSWITCHES: [&str; 3] = [
    "vsw-ack00000000000000011",
    "vsw-ack00000000000000012",
    "vsw-ack00000000000000013",
];
/// A second VPC (10.0.0.0/8) with one vSwitch, to build on or to get wrong.
pub const OTHER_VPC: &str = "vpc-ack00000000000000002";
pub const OTHER_VSWITCH: &str = "vsw-ack00000000000000021";
/// A basic and an enterprise security group of the default VPC.
pub const DEFAULT_SECURITY_GROUP: &str = "sg-ack00000000000000001";
pub const ENTERPRISE_SECURITY_GROUP: &str = "sg-ack00000000000000002";
/// The default key pair for node logins.
pub const DEFAULT_KEY_PAIR: &str = "ack-keypair";
/// KMS keys (AES-256, ENCRYPT/DECRYPT) usable for Secrets and disks.
pub const DEFAULT_KMS_KEYS: [&str; 3] = [
    "key-ack00000000000000001",
    "key-ack00000000000000002",
    "key-ack00000000000000003",
];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vpc {
    pub id: String,
    pub cidr: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VSwitch {
    pub id: String,
    pub vpc_id: String,
    pub zone_id: String,
    pub cidr: String,
    /// Free addresses; 0 makes node creation in it fail.
    #[serde(default = "plenty")]
    pub available_ips: u64,
    /// Addresses taken by each node pool's nodes (pool ID → count).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub allocated: std::collections::BTreeMap<String, u64>,
}

fn plenty() -> u64 {
    4000
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SecurityGroup {
    pub id: String,
    pub vpc_id: String,
    /// `normal` or `enterprise`.
    #[serde(default = "normal")]
    pub kind: String,
}

fn normal() -> String {
    "normal".into()
}

/// A region's network objects.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inventory {
    #[serde(default)]
    pub vpcs: Vec<Vpc>,
    #[serde(default)]
    pub vswitches: Vec<VSwitch>,
    #[serde(default)]
    pub security_groups: Vec<SecurityGroup>,
    #[serde(default)]
    pub key_pairs: Vec<String>,
    #[serde(default)]
    pub kms_keys: Vec<String>,
}

/// The documented default set of `region`.
pub fn defaults(region: &str) -> Inventory {
    let vsw = |id: &str, vpc: &str, zone: &str, cidr: &str| VSwitch {
        id: id.into(),
        vpc_id: vpc.into(),
        zone_id: format!("{region}-{zone}"),
        cidr: cidr.into(),
        available_ips: plenty(),
        allocated: Default::default(),
    };
    let mut vswitches = Vec::new();
    for (i, zone) in ["a", "b", "c"].iter().enumerate() {
        vswitches.push(vsw(
            DEFAULT_VSWITCHES[i],
            DEFAULT_VPC,
            zone,
            &format!("192.168.{}.0/19", i * 32),
        ));
    }
    for (i, zone) in ["a", "b", "c"].iter().enumerate() {
        vswitches.push(vsw(
            DEFAULT_POD_VSWITCHES[i],
            DEFAULT_VPC,
            zone,
            &format!("192.168.{}.0/19", 96 + i * 32),
        ));
    }
    vswitches.push(vsw(OTHER_VSWITCH, OTHER_VPC, "a", "10.0.0.0/16"));
    Inventory {
        vpcs: vec![
            Vpc {
                id: DEFAULT_VPC.into(),
                cidr: "192.168.0.0/16".into(),
            },
            Vpc {
                id: OTHER_VPC.into(),
                cidr: "10.0.0.0/8".into(),
            },
        ],
        vswitches,
        security_groups: vec![
            SecurityGroup {
                id: DEFAULT_SECURITY_GROUP.into(),
                vpc_id: DEFAULT_VPC.into(),
                kind: normal(),
            },
            SecurityGroup {
                id: ENTERPRISE_SECURITY_GROUP.into(),
                vpc_id: DEFAULT_VPC.into(),
                kind: "enterprise".into(),
            },
        ],
        key_pairs: vec![DEFAULT_KEY_PAIR.into()],
        kms_keys: DEFAULT_KMS_KEYS.iter().map(|k| (*k).to_owned()).collect(),
    }
}

/// The inventory of `region`: stored, else the defaults.
pub fn load(conn: &Connection, region: &str) -> ApiResult<Inventory> {
    let doc: Option<String> = conn
        .query_row(
            "SELECT doc FROM inventory WHERE region = ?1",
            params![region],
            |r| r.get(0),
        )
        .optional()?;
    match doc {
        Some(d) => Ok(serde_json::from_str(&d)?),
        None => Ok(defaults(region)),
    }
}

pub fn save(conn: &Connection, region: &str, inv: &Inventory) -> ApiResult<()> {
    conn.execute(
        "INSERT INTO inventory (region, doc) VALUES (?1, ?2)
         ON CONFLICT(region) DO UPDATE SET doc = excluded.doc",
        params![region, serde_json::to_string(inv)?],
    )?;
    Ok(())
}

impl Inventory {
    /// Adds `more`; an object with an ID already known replaces it.
    pub fn merge(&mut self, more: Inventory) {
        fn upsert<T, F: Fn(&T) -> &str>(list: &mut Vec<T>, new: Vec<T>, id: F) {
            for item in new {
                match list.iter().position(|x| id(x) == id(&item)) {
                    Some(i) => list[i] = item,
                    None => list.push(item),
                }
            }
        }
        upsert(&mut self.vpcs, more.vpcs, |v| &v.id);
        upsert(&mut self.vswitches, more.vswitches, |v| &v.id);
        upsert(&mut self.security_groups, more.security_groups, |v| &v.id);
        upsert(&mut self.key_pairs, more.key_pairs, |v| v);
        upsert(&mut self.kms_keys, more.kms_keys, |v| v);
    }

    pub fn vpc(&self, id: &str) -> ApiResult<&Vpc> {
        self.vpcs.iter().find(|v| v.id == id).ok_or_else(|| {
            ApiError::bad_request(
                "InvalidVpcId.NotFound",
                format!("The specified VPC {id:?} does not exist in this region."),
            )
        })
    }

    pub fn vswitch(&self, id: &str) -> ApiResult<&VSwitch> {
        self.vswitches.iter().find(|v| v.id == id).ok_or_else(|| {
            ApiError::bad_request(
                "InvalidVSwitchId.NotFound",
                format!("The specified vSwitch {id:?} does not exist in this region."),
            )
        })
    }

    /// The vSwitch `id`, which must belong to `vpc` (`field` names the
    /// request field, for the message).
    pub fn vswitch_in(&self, id: &str, vpc: &str, field: &str) -> ApiResult<&VSwitch> {
        let v = self.vswitch(id)?;
        if v.vpc_id != vpc {
            return Err(ApiError::bad_request(
                "InvalidParameter.VSwitchIds",
                format!(
                    "{field}: vSwitch {id} belongs to VPC {}, not to the cluster's VPC {vpc}.",
                    v.vpc_id
                ),
            ));
        }
        Ok(v)
    }

    /// The security group `id`, which must belong to `vpc`.
    pub fn security_group_in(&self, id: &str, vpc: &str) -> ApiResult<&SecurityGroup> {
        let sg = self
            .security_groups
            .iter()
            .find(|s| s.id == id)
            .ok_or_else(|| {
                ApiError::bad_request(
                    "InvalidSecurityGroupId.NotFound",
                    format!("The specified security group {id:?} does not exist in this region."),
                )
            })?;
        if sg.vpc_id != vpc {
            return Err(ApiError::bad_request(
                "InvalidSecurityGroupId.VPCMismatch",
                format!(
                    "Security group {id} belongs to VPC {}, not to the cluster's VPC {vpc}.",
                    sg.vpc_id
                ),
            ));
        }
        Ok(sg)
    }

    pub fn key_pair(&self, name: &str) -> ApiResult<()> {
        if self.key_pairs.iter().any(|k| k == name) {
            Ok(())
        } else {
            Err(ApiError::bad_request(
                "InvalidKeyPair.NotFound",
                format!("The specified key pair {name:?} does not exist in this region."),
            ))
        }
    }

    pub fn kms_key(&self, id: &str) -> ApiResult<()> {
        if self.kms_keys.iter().any(|k| k == id) {
            Ok(())
        } else {
            Err(ApiError::bad_request(
                "Forbidden.KeyNotFound",
                format!("The specified KMS key {id:?} does not exist in this region."),
            ))
        }
    }

    /// A VPC the service creates for a cluster in `zones`: 192.168.0.0/16
    /// with one vSwitch per zone; returns the VPC's and vSwitches' IDs.
    pub fn create_vpc(&mut self, short: &str, zones: &[String]) -> (String, Vec<String>) {
        let vpc = format!("vpc-{short}");
        self.vpcs.push(Vpc {
            id: vpc.clone(),
            cidr: "192.168.0.0/16".into(),
        });
        let mut ids = Vec::new();
        for (i, zone) in zones.iter().enumerate() {
            let id = format!("vsw-{short}{i}");
            self.vswitches.push(VSwitch {
                id: id.clone(),
                vpc_id: vpc.clone(),
                zone_id: zone.clone(),
                cidr: format!("192.168.{}.0/20", (i * 16) % 256),
                available_ips: plenty(),
                allocated: Default::default(),
            });
            ids.push(id);
        }
        (vpc, ids)
    }
}

/// `req` placed in the default network where it says nothing of its own:
/// the default VPC and its first vSwitch, Flannel with the pod block
/// 172.20.0.0/16. For clients and tests that only need a valid cluster.
pub fn in_default_network(
    mut req: ack_api::model::CreateClusterRequest,
) -> ack_api::model::CreateClusterRequest {
    if req.vpcid.is_none() && req.zone_ids.is_empty() {
        req.vpcid = Some(DEFAULT_VPC.into());
        if req.vswitch_ids.is_empty() {
            req.vswitch_ids = vec![DEFAULT_VSWITCHES[0].into()];
        }
    }
    let has_plugin = req
        .addons
        .iter()
        .any(|a| ack_api::rules::network_plugin(&a.name).is_some());
    if !has_plugin {
        req.addons.push(ack_api::model::ClusterAddon {
            name: "flannel".into(),
            ..Default::default()
        });
        if req.container_cidr.is_none() {
            req.container_cidr = Some("172.20.0.0/16".into());
        }
    }
    req
}

/// `req` completed with the default network's placement and login where it
/// says nothing of its own: the first default vSwitch, pay-as-you-go and
/// the default key pair. For clients and tests that only need a valid pool.
pub fn in_default_pool(
    mut req: ack_api::model::NodePoolRequest,
) -> ack_api::model::NodePoolRequest {
    let sg = &mut req.scaling_group;
    if sg.vswitch_ids.is_empty() {
        sg.vswitch_ids = vec![DEFAULT_VSWITCHES[0].into()];
    }
    if sg.instance_charge_type.is_none() {
        sg.instance_charge_type = Some("PostPaid".into());
    }
    if sg.key_pair.is_none() && sg.login_password.is_none() {
        sg.key_pair = Some(DEFAULT_KEY_PAIR.into());
    }
    req
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_consistent() {
        let inv = defaults("cn-hangzhou");
        for v in &inv.vswitches {
            let vpc = inv.vpc(&v.vpc_id).unwrap();
            let (net, within): (ipnet::Ipv4Net, ipnet::Ipv4Net) =
                (v.cidr.parse().unwrap(), vpc.cidr.parse().unwrap());
            assert!(within.contains(&net), "{} in {}", v.cidr, vpc.cidr);
            assert!(ack_api::rules::vswitch_id(&v.id).is_ok(), "{}", v.id);
        }
        for k in &inv.kms_keys {
            assert!(ack_api::rules::kms_key_id(k).is_ok(), "{k}");
        }
        assert!(inv
            .vswitch_in(OTHER_VSWITCH, DEFAULT_VPC, "vswitch_ids")
            .is_err());
    }
}
