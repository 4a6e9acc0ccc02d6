//! The seed's comparison of ACK Pro and ACK Standard, row by row, against
//! the edition catalog: every row (and every claim of the seed's feature
//! list that the table leaves out) is data in the catalog.

#![allow(clippy::unwrap_used, clippy::expect_used)]
use ack_api::edition::{self, Edition, EditionId, Feature};

/// The seed's table: category, professional cell, standard cell (as the
/// seed words them, lists joined with "; ").
const TABLE: &[(&str, &str, &str)] = &[
    ("Cluster size", "Up to 5,000 nodes.", "Up to 100 nodes for each newly created cluster. A maximum of 5,000 nodes can be deployed in an existing standard managed Kubernetes cluster. Existing standard managed Kubernetes can be upgraded to professional managed Kubernetes clusters."),
    ("SLA", "99.95% (supports compensation).", "99.90% (does not support compensation)."),
    ("API Server", "Provides the auto scaling feature.; Monitors availability.", "Does not support features that are provided by professional managed Kubernetes clusters."),
    ("etcd", "Supports high-frequency cold backups, high-frequency hot backups, and geo-disaster recovery.", "Does not support features that are provided by professional managed Kubernetes clusters."),
    ("Kube-scheduler", "Supports gang scheduling.; Supports topology-aware CPU scheduling.; Supports topology-aware GPU scheduling.; Supports cGPU Professional Edition.", "Supports cGPU Basic Edition."),
    ("Security management", "Supports the professional edition. Data encryption is supported.", "Supports the basic edition."),
    ("Managed node pool", "Supported.", "Not supported."),
];

/// Claims of the seed's feature list beyond the table.
const FEATURES: &[&str] = &[
    "Key metrics are collected for you to gain insights from control components.",
    "In the control plane, etcd uses encrypted disks by default.",
    "You can use security management of the professional edition to inspect running containers and enable auto repairing.",
    "This allows you to schedule pods in bulk, set multiple scheduling algorithms, and schedule pods to NPU-accelerated nodes.",
];

fn pro_only(pro: &'static Edition, std: &'static Edition, features: &[Feature]) {
    for f in features {
        assert!(pro.has(*f), "pro lacks {}", f.id());
        assert!(!std.has(*f), "standard has {}", f.id());
        assert!(std.require(*f).is_err());
    }
}

/// The catalog's answer to one row; panics when the catalog disagrees.
fn check_row(category: &str, pro: &'static Edition, std: &'static Edition) {
    match category {
        "Cluster size" => {
            assert_eq!(pro.max_nodes, 5000);
            assert_eq!(std.max_nodes, 100);
            assert_eq!(std.legacy_max_nodes, 5000);
            assert_eq!(std.upgrade_to, Some(EditionId::Pro));
            assert!(std.check_nodes(101).is_err() && pro.check_nodes(5000).is_ok());
        }
        "SLA" => {
            assert_eq!((pro.sla, pro.sla_compensation), ("99.95%", true));
            assert_eq!((std.sla, std.sla_compensation), ("99.90%", false));
        }
        "API Server" => {
            assert!(pro.api_server_autoscaling && pro.api_server_availability_monitoring);
            assert!(!std.api_server_autoscaling && !std.api_server_availability_monitoring);
        }
        "etcd" => pro_only(pro, std, &[Feature::EtcdBackupPolicy]),
        "Kube-scheduler" => {
            pro_only(
                pro,
                std,
                &[
                    Feature::GangScheduling,
                    Feature::TopologyAwareCpu,
                    Feature::TopologyAwareGpu,
                    Feature::ProfessionalCgpu,
                ],
            );
            assert!(std.allows_cgpu("basic") && !std.allows_cgpu("professional"));
            assert!(pro.allows_cgpu("professional") && pro.allows_cgpu("basic"));
        }
        "Security management" => {
            assert_eq!(pro.security_management, "professional");
            assert_eq!(std.security_management, "basic");
            pro_only(
                pro,
                std,
                &[Feature::KmsSecretEncryption, Feature::ClusterInspection],
            );
        }
        "Managed node pool" => pro_only(pro, std, &[Feature::ManagedNodePools]),
        other => panic!("the seed's row {other:?} is not in the catalog"),
    }
}

fn check_feature(claim: &str, pro: &'static Edition, std: &'static Edition) {
    if claim.starts_with("Key metrics") {
        pro_only(pro, std, &[Feature::ControlPlaneMetrics]);
        assert!(pro.control_plane_metrics() && !std.control_plane_metrics());
    } else if claim.contains("encrypted disks") {
        assert!(pro.etcd_disk_encryption && !std.etcd_disk_encryption);
    } else if claim.contains("inspect running") {
        pro_only(pro, std, &[Feature::ClusterInspection]);
        let inspector = ack_api::addons::get("security-inspector").expect("the inspector addon");
        assert!(inspector
            .check_edition(edition::get(EditionId::Standard))
            .is_err());
    } else if claim.contains("NPU") {
        pro_only(
            pro,
            std,
            &[Feature::NpuScheduling, Feature::MultipleScoringAlgorithms],
        );
    } else {
        panic!("the seed's claim {claim:?} is not in the catalog");
    }
}

#[test]
fn every_row_of_the_seed_comparison_is_in_the_catalog() {
    let pro = edition::get(EditionId::Pro);
    let std = edition::get(EditionId::Standard);
    for (category, pro_cell, std_cell) in TABLE {
        assert!(!pro_cell.is_empty() && !std_cell.is_empty());
        check_row(category, pro, std);
    }
    for claim in FEATURES {
        check_feature(claim, pro, std);
    }
}

/// The catalog document (what `check`'s Rego policies and the provider's
/// functions see) carries the same rows.
#[test]
fn the_catalog_document_has_every_row() {
    let doc = edition::catalog_document();
    for e in ["pro", "standard"] {
        let row = &doc["editions"][e];
        for key in [
            "max_nodes",
            "legacy_max_nodes",
            "sla",
            "sla_compensation",
            "api_server_autoscaling",
            "api_server_availability_monitoring",
            "etcd_disk_encryption",
            "security_management",
            "control_plane_metrics",
            "cgpu_editions",
            "features",
        ] {
            assert!(!row[key].is_null(), "{e}.{key}");
        }
    }
    assert_eq!(doc["editions"]["pro"]["control_plane_metrics"], true);
    assert_eq!(doc["features"]["cluster_inspection"]["editions"][0], "pro");
    assert_eq!(doc["addons"]["security-inspector"]["editions"][0], "pro");
    assert_eq!(
        doc["addons"]["csi-plugin"]["editions"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
}

/// Professional security management and inspection are one row: an edition
/// has both or neither.
#[test]
fn security_management_follows_inspection() {
    for e in edition::all() {
        assert_eq!(
            e.security_management == "professional",
            e.has(Feature::ClusterInspection),
            "{}",
            e.name
        );
    }
}
