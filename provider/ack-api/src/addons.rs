//! The addon catalog: the cluster components the service installs, upgrades
//! and configures (storage CSI, logging, ingress controllers, the
//! autoscaler, monitoring, the network plugin, …), as data. The emulator
//! serves it (ListAddons, DescribeAddon, InstallClusterAddons, …); the
//! provider and `check` read which edition each addon needs and which ones
//! the platform owns from here. Nothing else states addon rules.
//!
//! Also the rules over addon configurations: normalisation of a `config`
//! JSON string (key order and whitespace never matter), validation against
//! the addon's config schema (the JSON Schema subset the service's schemas
//! use), and version order.

use std::cmp::Ordering;

use serde_json::{json, Map, Value};

use crate::edition::{Edition, Feature, TierViolation};
use crate::versions::Version;

/// One release of an addon.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AddonVersion {
    pub version: &'static str,
    /// Oldest Kubernetes version (`major.minor`) the release runs on.
    pub minimum_cluster_version: &'static str,
}

/// One addon of the catalog.
#[derive(Debug, PartialEq, Eq)]
pub struct Addon {
    pub name: &'static str,
    /// `network`, `storage`, `logging`, `ingress`, `autoscaler`,
    /// `monitoring`, `security`, `core`.
    pub category: &'static str,
    pub description: &'static str,
    /// Releases, oldest first.
    pub versions: &'static [AddonVersion],
    /// The catalog feature an edition needs to run the addon (`None`: every
    /// edition).
    pub needs: Option<Feature>,
    /// Installed and owned by the platform (the network plugin, the managed
    /// scheduler): it cannot be uninstalled.
    pub platform_owned: bool,
    /// Installed on new clusters unless the create-time list says otherwise.
    pub install_by_default: bool,
    /// The addon's configuration keys: `(key, JSON type, allowed values)`;
    /// an empty list of values allows any value of the type.
    pub config: &'static [(&'static str, &'static str, &'static [&'static str])],
}

const fn v(version: &'static str, minimum_cluster_version: &'static str) -> AddonVersion {
    AddonVersion {
        version,
        minimum_cluster_version,
    }
}

/// The scheduler addon; its configuration is `ack_scheduler_profile`'s.
pub const SCHEDULER: &str = "kube-scheduler";

/// Every addon, by category then name.
pub static CATALOG: &[Addon] = &[
    Addon {
        name: "flannel",
        category: "network",
        description: "Flannel network plugin (VPC routes).",
        versions: &[v("v0.15.1.22-20a397e6-aliyun", "1.20")],
        needs: None,
        platform_owned: true,
        install_by_default: true,
        config: &[],
    },
    Addon {
        name: "terway-eniip",
        category: "network",
        description: "Terway network plugin (ENI multi-IP).",
        versions: &[v("v1.9.3", "1.22"), v("v1.11.0", "1.26")],
        needs: None,
        platform_owned: true,
        install_by_default: false,
        config: &[("NetworkPolicy", "string", &["true", "false"])],
    },
    Addon {
        name: SCHEDULER,
        category: "core",
        description: "The managed kube-scheduler (configured by ack_scheduler_profile).",
        versions: &[v("v1.31.0-aliyun-6.8.5", "1.28")],
        needs: None,
        platform_owned: true,
        install_by_default: true,
        config: &[],
    },
    Addon {
        name: "csi-plugin",
        category: "storage",
        description: "CSI plugin for disks, NAS and OSS volumes.",
        versions: &[
            v("v1.30.3-aliyun.1", "1.22"),
            v("v1.31.4-aliyun.1", "1.26"),
            v("v1.32.1-aliyun.1", "1.30"),
            v("v1.33.0-aliyun.1", "1.32"),
        ],
        needs: None,
        platform_owned: false,
        install_by_default: true,
        config: &[("FuseType", "string", &["ossfs", "ossfs2"])],
    },
    Addon {
        name: "csi-provisioner",
        category: "storage",
        description: "Dynamic provisioning of disk, NAS and OSS volumes.",
        versions: &[v("v1.30.3-aliyun.1", "1.22"), v("v1.32.1-aliyun.1", "1.30")],
        needs: None,
        platform_owned: false,
        install_by_default: true,
        config: &[("DefaultStorageClass", "string", &[])],
    },
    Addon {
        name: "logtail-ds",
        category: "logging",
        description: "Log collection into Simple Log Service.",
        versions: &[v("v1.7.1.0-aliyun", "1.22"), v("v1.8.3.0-aliyun", "1.28")],
        needs: None,
        platform_owned: false,
        install_by_default: false,
        config: &[
            ("IngressDashboardEnabled", "string", &["true", "false"]),
            ("sls_project_name", "string", &[]),
        ],
    },
    Addon {
        name: "nginx-ingress-controller",
        category: "ingress",
        description: "NGINX Ingress controller behind a load balancer.",
        versions: &[v("v1.9.3-aliyun.1", "1.22"), v("v1.11.2-aliyun.1", "1.28")],
        needs: None,
        platform_owned: false,
        install_by_default: false,
        config: &[
            ("IngressSlbNetworkType", "string", &["internet", "intranet"]),
            ("IngressSlbSpec", "string", &[]),
        ],
    },
    Addon {
        name: "cluster-autoscaler",
        category: "autoscaler",
        description: "Node autoscaling of the cluster's autoscaling node pools.",
        versions: &[v("v1.8.4-aliyun.1", "1.22"), v("v1.9.2-aliyun.1", "1.28")],
        needs: None,
        platform_owned: false,
        install_by_default: false,
        config: &[
            ("scaleDownEnabled", "boolean", &[]),
            ("scanInterval", "string", &[]),
        ],
    },
    Addon {
        name: "arms-prometheus",
        category: "monitoring",
        description: "Managed Prometheus monitoring of workloads.",
        versions: &[v("v1.1.19", "1.22"), v("v1.1.22", "1.28")],
        needs: None,
        platform_owned: false,
        install_by_default: false,
        config: &[],
    },
    Addon {
        name: "ack-node-problem-detector",
        category: "monitoring",
        description: "Node problem detection and cluster events.",
        versions: &[v("v1.2.20", "1.22")],
        needs: None,
        platform_owned: false,
        install_by_default: false,
        config: &[("sls_project_name", "string", &[])],
    },
    Addon {
        name: "ack-control-plane-metrics",
        category: "monitoring",
        description: "Key metrics of the managed control plane (API server, etcd, scheduler, controller manager).",
        versions: &[v("v0.3.1", "1.26")],
        needs: Some(Feature::ControlPlaneMetrics),
        platform_owned: false,
        install_by_default: false,
        config: &[],
    },
    Addon {
        name: "security-inspector",
        category: "security",
        description: "Professional security management: inspection of running workloads and automatic repair.",
        versions: &[v("v0.12.0", "1.22"), v("v0.13.1", "1.28")],
        needs: Some(Feature::ClusterInspection),
        platform_owned: false,
        install_by_default: false,
        config: &[("autoRepair", "boolean", &[])],
    },
];

/// The addon named `name`.
pub fn get(name: &str) -> Option<&'static Addon> {
    CATALOG.iter().find(|a| a.name == name)
}

/// Every addon name, in catalog order.
pub fn names() -> Vec<&'static str> {
    CATALOG.iter().map(|a| a.name).collect()
}

/// Orders addon versions (`v1.30.3-aliyun.1`, `v0.15.1.22-20a397e6-aliyun`):
/// by each run of digits as a number, then by the text.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    fn numbers(s: &str) -> Vec<u64> {
        s.split(|c: char| !c.is_ascii_digit())
            .filter(|p| !p.is_empty())
            .map(|p| p.parse().unwrap_or(u64::MAX))
            .collect()
    }
    numbers(a).cmp(&numbers(b)).then_with(|| a.cmp(b))
}

/// Whether a cluster at Kubernetes version `cluster` (`1.31.1-aliyun.1`)
/// meets `minimum` (`major.minor`). Unreadable versions meet it (the
/// service decides).
fn meets(cluster: &str, minimum: &str) -> bool {
    let Some(have) = Version::parse(cluster) else {
        return true;
    };
    let mut it = minimum.split('.').map(str::parse::<u32>);
    match (it.next(), it.next()) {
        (Some(Ok(major)), Some(Ok(minor))) => have.minor_key() >= (major, minor),
        _ => true,
    }
}

/// Why an addon request is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AddonError {
    #[error("there is no addon named {name:?}; addons: {}", names().join(", "))]
    Unknown { name: String },
    #[error(transparent)]
    Tier(#[from] TierViolation),
    #[error("{name} has no version {version:?}; versions: {}", .known.join(", "))]
    UnknownVersion {
        name: String,
        version: String,
        known: Vec<&'static str>,
    },
    #[error("{name} {version} needs Kubernetes {minimum} or later; the cluster runs {cluster}")]
    ClusterTooOld {
        name: String,
        version: String,
        minimum: &'static str,
        cluster: String,
    },
    #[error("{name} is owned by the platform and cannot be uninstalled")]
    PlatformOwned { name: String },
    #[error("{name} is already declared in the cluster's create-time `addons` list; manage it in one place: remove it from the list or from this resource")]
    DeclaredAtCreate { name: String },
    #[error("the configuration is not valid: {0}")]
    Config(String),
}

impl Addon {
    /// Versions a cluster at Kubernetes `cluster_version` can run, oldest
    /// first (every version when the cluster's version is not known).
    pub fn versions_for(&self, cluster_version: Option<&str>) -> Vec<&'static str> {
        self.versions
            .iter()
            .filter(|r| cluster_version.is_none_or(|c| meets(c, r.minimum_cluster_version)))
            .map(|r| r.version)
            .collect()
    }

    /// The newest version a cluster at `cluster_version` can run.
    pub fn newest_for(&self, cluster_version: Option<&str>) -> Option<&'static str> {
        self.versions_for(cluster_version).last().copied()
    }

    /// `Ok` when `edition` may run the addon.
    pub fn check_edition(&self, edition: &'static Edition) -> Result<(), AddonError> {
        match self.needs {
            Some(f) => edition.require(f).map_err(AddonError::from),
            None => Ok(()),
        }
    }

    /// `Ok` when a cluster at `cluster_version` can run `version`.
    pub fn check_version(
        &self,
        version: &str,
        cluster_version: Option<&str>,
    ) -> Result<(), AddonError> {
        let Some(release) = self.versions.iter().find(|r| r.version == version) else {
            return Err(AddonError::UnknownVersion {
                name: self.name.into(),
                version: version.into(),
                known: self.versions.iter().map(|r| r.version).collect(),
            });
        };
        match cluster_version {
            Some(c) if !meets(c, release.minimum_cluster_version) => {
                Err(AddonError::ClusterTooOld {
                    name: self.name.into(),
                    version: version.into(),
                    minimum: release.minimum_cluster_version,
                    cluster: c.into(),
                })
            }
            _ => Ok(()),
        }
    }

    /// `Ok` when the addon may be uninstalled.
    pub fn check_uninstall(&self) -> Result<(), AddonError> {
        if self.platform_owned {
            Err(AddonError::PlatformOwned {
                name: self.name.into(),
            })
        } else {
            Ok(())
        }
    }

    /// The actions the service offers on the addon (ListAddons'
    /// `supported_actions`).
    pub fn supported_actions(&self) -> Vec<&'static str> {
        let mut actions = vec!["Modify", "Upgrade"];
        if !self.platform_owned {
            actions.insert(0, "Install");
            actions.push("Uninstall");
        }
        actions
    }

    /// The addon's config schema (JSON Schema, draft 7), as the service
    /// reports it in `config_schema`.
    pub fn config_schema(&self) -> Value {
        let properties: Map<String, Value> = self
            .config
            .iter()
            .map(|(key, ty, values)| {
                let mut p = json!({ "type": ty });
                if !values.is_empty() {
                    p["enum"] = json!(values);
                }
                ((*key).to_owned(), p)
            })
            .collect();
        json!({
            "$schema": "http://json-schema.org/draft-07/schema#",
            "type": "object",
            "properties": properties,
            "additionalProperties": false,
        })
    }
}

/// The rule for an addon that a cluster also declares in its create-time
/// `addons` list (`create_addons`: those names): one place manages it.
pub fn check_not_declared_at_create(name: &str, create_addons: &[&str]) -> Result<(), AddonError> {
    if create_addons.contains(&name) {
        Err(AddonError::DeclaredAtCreate { name: name.into() })
    } else {
        Ok(())
    }
}

/// A `config` JSON string in normal form: objects with their keys sorted,
/// no whitespace; an empty string is an empty object. Two configurations
/// that differ only in key order or whitespace normalise the same.
pub fn normalise_config(config: &str) -> Result<String, AddonError> {
    let text = if config.trim().is_empty() {
        "{}"
    } else {
        config
    };
    let v: Value =
        serde_json::from_str(text).map_err(|e| AddonError::Config(format!("not JSON: {e}")))?;
    if !v.is_object() {
        return Err(AddonError::Config("it must be a JSON object".into()));
    }
    Ok(sorted(v).to_string())
}

fn sorted(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let mut entries: Vec<(String, Value)> = m.into_iter().collect();
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Object(entries.into_iter().map(|(k, v)| (k, sorted(v))).collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(sorted).collect()),
        other => other,
    }
}

/// Checks `config` (a JSON string) against a config schema as the service
/// reports it: an object whose `properties` give each key's `type` and
/// `enum`, and `additionalProperties: false`. Returns every problem, each
/// naming its key.
pub fn validate_config(schema: &Value, config: &str) -> Result<(), AddonError> {
    let normal = normalise_config(config)?;
    let v: Value = serde_json::from_str(&normal).map_err(|e| AddonError::Config(e.to_string()))?;
    let props = schema.get("properties").and_then(Value::as_object);
    let closed = schema.get("additionalProperties") == Some(&Value::Bool(false));
    let mut problems = Vec::new();
    for (key, value) in v.as_object().into_iter().flatten() {
        let Some(p) = props.and_then(|p| p.get(key)) else {
            if closed {
                let known: Vec<&String> = props.map(|p| p.keys().collect()).unwrap_or_default();
                let known = if known.is_empty() {
                    "the addon takes no settings".to_owned()
                } else {
                    format!(
                        "known keys: {}",
                        known
                            .iter()
                            .map(|k| k.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                };
                problems.push(format!("unknown key {key:?} ({known})"));
            }
            continue;
        };
        if let Some(ty) = p.get("type").and_then(Value::as_str) {
            if !has_type(value, ty) {
                problems.push(format!("{key:?} must be a {ty}, not {value}"));
                continue;
            }
        }
        if let Some(allowed) = p.get("enum").and_then(Value::as_array) {
            if !allowed.contains(value) {
                let list: Vec<String> = allowed.iter().map(Value::to_string).collect();
                problems.push(format!("{key:?} is {value}; allowed: {}", list.join(", ")));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(AddonError::Config(problems.join("; ")))
    }
}

fn has_type(v: &Value, ty: &str) -> bool {
    match ty {
        "string" => v.is_string(),
        "boolean" => v.is_boolean(),
        "integer" => v.as_i64().is_some() || v.as_u64().is_some(),
        "number" => v.is_number(),
        "object" => v.is_object(),
        "array" => v.is_array(),
        _ => true,
    }
}

#[cfg(test)]
#[path = "addons_tests.rs"]
mod tests;
