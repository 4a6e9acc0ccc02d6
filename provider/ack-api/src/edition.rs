//! The edition catalog: what ACK Standard and ACK Pro offer, as data. The
//! provider's plan-time checks, the emulator's server-side enforcement and
//! the `check` command all read this table; nothing else states tier rules.

use std::fmt;

/// A cluster edition.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EditionId {
    Standard,
    Pro,
}

/// A capability that not every edition has.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Feature {
    /// etcd cold + hot backups and geo-disaster recovery (`ack_backup_policy`).
    EtcdBackupPolicy,
    /// KMS encryption of Kubernetes Secrets (`ack_encryption`).
    KmsSecretEncryption,
    GangScheduling,
    TopologyAwareCpu,
    TopologyAwareGpu,
    NpuScheduling,
    /// Custom kube-scheduler score plugins and weights.
    MultipleScoringAlgorithms,
    /// cGPU professional edition (basic cGPU is everywhere).
    ProfessionalCgpu,
    ManagedNodePools,
    MaintenanceWindow,
    /// Key metrics of the control-plane components, collected for you.
    ControlPlaneMetrics,
    /// Professional security management: inspection of running clusters
    /// and automatic repair (`ack_cluster_inspection`).
    ClusterInspection,
}

impl Feature {
    pub const ALL: [Feature; 12] = [
        Feature::EtcdBackupPolicy,
        Feature::KmsSecretEncryption,
        Feature::GangScheduling,
        Feature::TopologyAwareCpu,
        Feature::TopologyAwareGpu,
        Feature::NpuScheduling,
        Feature::MultipleScoringAlgorithms,
        Feature::ProfessionalCgpu,
        Feature::ManagedNodePools,
        Feature::MaintenanceWindow,
        Feature::ControlPlaneMetrics,
        Feature::ClusterInspection,
    ];

    /// Stable identifier (used in data sources, policies and error codes).
    pub fn id(self) -> &'static str {
        match self {
            Feature::EtcdBackupPolicy => "etcd_backup_policy",
            Feature::KmsSecretEncryption => "kms_secret_encryption",
            Feature::GangScheduling => "gang_scheduling",
            Feature::TopologyAwareCpu => "topology_aware_cpu",
            Feature::TopologyAwareGpu => "topology_aware_gpu",
            Feature::NpuScheduling => "npu_scheduling",
            Feature::MultipleScoringAlgorithms => "multiple_scoring_algorithms",
            Feature::ProfessionalCgpu => "professional_cgpu",
            Feature::ManagedNodePools => "managed_node_pools",
            Feature::MaintenanceWindow => "maintenance_window",
            Feature::ControlPlaneMetrics => "control_plane_metrics",
            Feature::ClusterInspection => "cluster_inspection",
        }
    }

    /// What the feature is, for people.
    pub fn description(self) -> &'static str {
        match self {
            Feature::EtcdBackupPolicy => {
                "etcd backup policy (high-frequency cold and hot backups, geo-disaster recovery)"
            }
            Feature::KmsSecretEncryption => "KMS encryption of Kubernetes Secrets",
            Feature::GangScheduling => "gang scheduling",
            Feature::TopologyAwareCpu => "topology-aware CPU scheduling",
            Feature::TopologyAwareGpu => "topology-aware GPU scheduling",
            Feature::NpuScheduling => "NPU scheduling",
            Feature::MultipleScoringAlgorithms => "multiple scheduler scoring algorithms",
            Feature::ProfessionalCgpu => "professional cGPU",
            Feature::ManagedNodePools => "managed node pools",
            Feature::MaintenanceWindow => "maintenance window",
            Feature::ControlPlaneMetrics => "collection of key control-plane metrics",
            Feature::ClusterInspection => {
                "cluster inspection and automatic repair (professional security management)"
            }
        }
    }

    pub fn from_id(id: &str) -> Option<Feature> {
        Feature::ALL.into_iter().find(|f| f.id() == id)
    }
}

/// One edition's row of the catalog.
#[derive(Debug, PartialEq, Eq)]
pub struct Edition {
    pub id: EditionId,
    /// Name in configurations: `standard` or `pro`.
    pub name: &'static str,
    pub display_name: &'static str,
    /// `cluster_spec` in the API for new clusters of this edition.
    pub cluster_spec: &'static str,
    /// Every `cluster_spec` of this edition (Pro has provisioned tiers).
    pub cluster_specs: &'static [&'static str],
    /// Node limit for clusters created now.
    pub max_nodes: u32,
    /// Node limit of clusters created before the current limit applied.
    pub legacy_max_nodes: u32,
    /// API server uptime commitment.
    pub sla: &'static str,
    pub sla_compensation: bool,
    pub api_server_autoscaling: bool,
    pub api_server_availability_monitoring: bool,
    pub etcd_disk_encryption: bool,
    /// `basic` or `professional`.
    pub security_management: &'static str,
    /// cGPU editions available.
    pub cgpu_editions: &'static [&'static str],
    /// Capabilities beyond the common base.
    pub features: &'static [Feature],
    /// Edition this one can be upgraded to in place.
    pub upgrade_to: Option<EditionId>,
}

static STANDARD: Edition = Edition {
    id: EditionId::Standard,
    name: "standard",
    display_name: "ACK Standard",
    cluster_spec: "ack.standard",
    cluster_specs: &["ack.standard"],
    max_nodes: 100,
    legacy_max_nodes: 5000,
    sla: "99.90%",
    sla_compensation: false,
    api_server_autoscaling: false,
    api_server_availability_monitoring: false,
    etcd_disk_encryption: false,
    security_management: "basic",
    cgpu_editions: &["none", "basic"],
    features: &[],
    upgrade_to: Some(EditionId::Pro),
};

static PRO: Edition = Edition {
    id: EditionId::Pro,
    name: "pro",
    display_name: "ACK Pro",
    cluster_spec: "ack.pro.small",
    // Provisioned control-plane tiers; `ack.pro.4xlarge` needs allow-listing.
    cluster_specs: &[
        "ack.pro.small",
        "ack.pro.xlarge",
        "ack.pro.2xlarge",
        "ack.pro.4xlarge",
    ],
    max_nodes: 5000,
    legacy_max_nodes: 5000,
    sla: "99.95%",
    sla_compensation: true,
    api_server_autoscaling: true,
    api_server_availability_monitoring: true,
    etcd_disk_encryption: true,
    security_management: "professional",
    cgpu_editions: &["none", "basic", "professional"],
    features: &Feature::ALL,
    upgrade_to: None,
};

/// Every edition, cheapest first.
pub fn all() -> [&'static Edition; 2] {
    [&STANDARD, &PRO]
}

pub fn get(id: EditionId) -> &'static Edition {
    match id {
        EditionId::Standard => &STANDARD,
        EditionId::Pro => &PRO,
    }
}

/// By configuration name (`standard`, `pro`).
pub fn by_name(name: &str) -> Option<&'static Edition> {
    all().into_iter().find(|e| e.name == name)
}

/// By API `cluster_spec`. An empty spec is standard (some standard clusters
/// report none); each provisioned tier (`ack.pro.small`, `ack.pro.xlarge`,
/// …) is pro.
pub fn by_cluster_spec(spec: &str) -> Option<&'static Edition> {
    if spec.is_empty() {
        return Some(&STANDARD);
    }
    all().into_iter().find(|e| e.cluster_specs.contains(&spec))
}

/// Every `cluster_spec` the API accepts, cheapest first.
pub fn cluster_specs() -> Vec<&'static str> {
    all()
        .iter()
        .flat_map(|e| e.cluster_specs.iter().copied())
        .collect()
}

/// Names accepted in configurations.
pub fn names() -> Vec<&'static str> {
    all().iter().map(|e| e.name).collect()
}

/// A feature the edition does not have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} needs ACK Pro; this cluster is {}. Upgrade the cluster to `edition = \"pro\"` (in place, same apply) or remove it.", .feature.description(), .edition.display_name)]
pub struct TierViolation {
    pub feature: Feature,
    pub edition: &'static Edition,
}

impl TierViolation {
    /// The refusal in the service's own words (no Terraform advice: the
    /// provider adds that when it turns the API error into a diagnostic).
    pub fn api_message(&self) -> String {
        format!(
            "The cluster spec {} does not support {}. This feature is available only for ACK Pro clusters ({}).",
            self.edition.cluster_spec,
            self.feature.description(),
            PRO.cluster_specs.join(", ")
        )
    }
}

/// More nodes than the edition allows. The advice follows the edition: an
/// edition that can be upgraded is told how; the largest is told to use
/// fewer nodes (or split the workload), never to upgrade to itself.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{requested} nodes exceed the {max}-node limit of {}. {}", .edition.display_name, self.advice())]
pub struct NodeLimitExceeded {
    pub requested: u64,
    pub max: u32,
    pub edition: &'static Edition,
}

impl NodeLimitExceeded {
    /// What to do: fewer nodes, or the edition this one upgrades to when
    /// that one allows more.
    pub fn advice(&self) -> String {
        match self.edition.upgrade_to.map(get) {
            Some(up) if u64::from(up.max_nodes) >= self.requested => format!(
                "Use fewer nodes or upgrade the cluster to `edition = \"{}\"` (up to {} nodes).",
                up.name, up.max_nodes
            ),
            _ => format!(
                "Use fewer nodes: {} is the most any cluster may have, so spread the pools over more clusters.",
                self.max
            ),
        }
    }

    /// The refusal in the service's own words.
    pub fn api_message(&self) -> String {
        format!(
            "The number of nodes in the cluster would be {}, which exceeds the limit of {} nodes for {} clusters.",
            self.requested, self.max, self.edition.cluster_spec
        )
    }
}

/// An edition change the API cannot make.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EditionChangeError {
    #[error("{} cannot be changed back to {}: upgrading is irreversible. Keep `edition = \"{}\"`, or create a new {} cluster and move workloads.", .from.display_name, .to.display_name, .from.name, .to.display_name)]
    Downgrade {
        from: &'static Edition,
        to: &'static Edition,
    },
}

impl EditionChangeError {
    /// The refusal in the service's own words.
    pub fn api_message(&self) -> String {
        match self {
            EditionChangeError::Downgrade { from, to } => format!(
                "Migrating a cluster from {} to {} is not supported: only {} clusters can be migrated, to ACK Pro, and the migration cannot be rolled back.",
                from.cluster_spec, to.cluster_spec, STANDARD.cluster_spec
            ),
        }
    }
}

impl Edition {
    pub fn has(&self, f: Feature) -> bool {
        self.features.contains(&f)
    }

    /// `Ok` when the edition offers `f`.
    pub fn require(&'static self, f: Feature) -> Result<(), TierViolation> {
        if self.has(f) {
            Ok(())
        } else {
            Err(TierViolation {
                feature: f,
                edition: self,
            })
        }
    }

    /// `Ok` when `nodes` fit this edition's limit for new clusters.
    pub fn check_nodes(&'static self, nodes: u64) -> Result<(), NodeLimitExceeded> {
        if nodes <= u64::from(self.max_nodes) {
            Ok(())
        } else {
            Err(NodeLimitExceeded {
                requested: nodes,
                max: self.max_nodes,
                edition: self,
            })
        }
    }

    /// Whether key control-plane metrics are collected for the cluster.
    pub fn control_plane_metrics(&self) -> bool {
        self.has(Feature::ControlPlaneMetrics)
    }

    pub fn allows_cgpu(&self, cgpu: &str) -> bool {
        self.cgpu_editions.contains(&cgpu)
    }
}

/// Whether an existing cluster can move from `from` to `to` in place.
pub fn check_change(
    from: &'static Edition,
    to: &'static Edition,
) -> Result<(), EditionChangeError> {
    if from.id == to.id || from.upgrade_to == Some(to.id) {
        Ok(())
    } else {
        Err(EditionChangeError::Downgrade { from, to })
    }
}

impl fmt::Display for Edition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name)
    }
}

/// The whole catalog as one JSON document, for consumers outside Rust (the
/// `check` command offers it to Rego policies as `data.ack`):
///
/// - `editions.<name>`: every field of the edition's row, `features` as ids;
/// - `features.<id>`: its description and the editions that offer it;
/// - `addons.<name>`: its category, the editions that may run it, whether
///   the platform owns it, its versions;
/// - `limits.max_nodes.<name>` / `limits.legacy_max_nodes.<name>`.
pub fn catalog_document() -> serde_json::Value {
    use serde_json::{json, Map, Value};
    let mut editions = Map::new();
    let mut max_nodes = Map::new();
    let mut legacy_max_nodes = Map::new();
    for e in all() {
        editions.insert(
            e.name.to_owned(),
            json!({
                "name": e.name,
                "display_name": e.display_name,
                "cluster_spec": e.cluster_spec,
                "max_nodes": e.max_nodes,
                "legacy_max_nodes": e.legacy_max_nodes,
                "sla": e.sla,
                "sla_compensation": e.sla_compensation,
                "api_server_autoscaling": e.api_server_autoscaling,
                "api_server_availability_monitoring": e.api_server_availability_monitoring,
                "etcd_disk_encryption": e.etcd_disk_encryption,
                "security_management": e.security_management,
                "control_plane_metrics": e.control_plane_metrics(),
                "cgpu_editions": e.cgpu_editions,
                "features": e.features.iter().map(|f| f.id()).collect::<Vec<_>>(),
                "upgrade_to": e.upgrade_to.map(|u| get(u).name),
            }),
        );
        max_nodes.insert(e.name.to_owned(), Value::from(e.max_nodes));
        legacy_max_nodes.insert(e.name.to_owned(), Value::from(e.legacy_max_nodes));
    }
    let features: Map<String, Value> = Feature::ALL
        .iter()
        .map(|f| {
            let offered: Vec<&str> = all().iter().filter(|e| e.has(*f)).map(|e| e.name).collect();
            (
                f.id().to_owned(),
                json!({ "description": f.description(), "editions": offered }),
            )
        })
        .collect();
    let addons: Map<String, Value> = crate::addons::CATALOG
        .iter()
        .map(|a| {
            let offered: Vec<&str> = all()
                .iter()
                .filter(|e| a.needs.is_none_or(|f| e.has(f)))
                .map(|e| e.name)
                .collect();
            (
                a.name.to_owned(),
                json!({
                    "category": a.category,
                    "editions": offered,
                    "platform_owned": a.platform_owned,
                    "versions": a.versions.iter().map(|v| v.version).collect::<Vec<_>>(),
                }),
            )
        })
        .collect();
    json!({
        "editions": editions,
        "features": features,
        "addons": addons,
        "limits": { "max_nodes": max_nodes, "legacy_max_nodes": legacy_max_nodes },
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_lacks_every_pro_feature() {
        let std = get(EditionId::Standard);
        for f in Feature::ALL {
            let err = std.require(f).unwrap_err();
            assert!(err.to_string().contains("needs ACK Pro"));
            get(EditionId::Pro).require(f).unwrap();
        }
    }

    #[test]
    fn node_limits_and_changes() {
        assert!(get(EditionId::Standard).check_nodes(100).is_ok());
        let e = get(EditionId::Standard).check_nodes(150).unwrap_err();
        assert!(e
            .to_string()
            .contains("150 nodes exceed the 100-node limit of ACK Standard"));
        assert!(check_change(get(EditionId::Standard), get(EditionId::Pro)).is_ok());
        assert!(check_change(get(EditionId::Pro), get(EditionId::Standard)).is_err());
    }

    #[test]
    fn specs_map_to_editions() {
        assert_eq!(by_cluster_spec("").map(|e| e.id), Some(EditionId::Standard));
        assert_eq!(
            by_cluster_spec("ack.pro.xlarge").map(|e| e.id),
            Some(EditionId::Pro)
        );
        assert_eq!(by_cluster_spec("nope"), None);
        assert_eq!(by_cluster_spec("ack.pro.nope"), None);
        assert_eq!(
            by_cluster_spec("ack.pro.4xlarge").map(|e| e.id),
            Some(EditionId::Pro)
        );
        assert_eq!(cluster_specs().len(), 5);
        let v = get(EditionId::Standard)
            .require(Feature::GangScheduling)
            .unwrap_err();
        assert!(
            !v.api_message().contains("edition ="),
            "{}",
            v.api_message()
        );
        assert!(v
            .api_message()
            .contains("ack.standard does not support gang scheduling"));
        assert!(get(EditionId::Standard).allows_cgpu("basic"));
        assert!(!get(EditionId::Standard).allows_cgpu("professional"));
    }

    #[test]
    fn catalog_document_mirrors_the_table() {
        let doc = catalog_document();
        assert_eq!(doc["editions"]["pro"]["sla_compensation"], true);
        assert_eq!(doc["editions"]["standard"]["max_nodes"], 100);
        assert_eq!(doc["editions"]["standard"]["upgrade_to"], "pro");
        assert_eq!(doc["features"]["gang_scheduling"]["editions"][0], "pro");
        assert_eq!(doc["limits"]["max_nodes"]["pro"], 5000);
        let features = doc["editions"]["pro"]["features"].as_array().unwrap();
        assert_eq!(features.len(), Feature::ALL.len());
    }
}
