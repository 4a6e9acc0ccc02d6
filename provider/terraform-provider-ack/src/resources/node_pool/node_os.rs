//! The nodes' operating system settings (`node_os_config`): transparent huge
//! pages and kernel parameters, sent in CreateClusterNodePool's
//! `node_config.node_os_config`, changed through ModifyNodePoolNodeConfig's
//! `os_config` and read back from the pool's detail.

use std::collections::BTreeMap;

use ack_api::model::{Hugepage, NodeOsConfig};
use ack_api::rules;
use serde::{Deserialize, Serialize};
use tfplugin::validators::{IntBetween, OneOf};
use tfplugin::{Attribute, Nesting, Type};

use crate::common::listed;

/// A string attribute taking one of `values`.
fn choice(name: &str, what: &str, values: &'static [&'static str]) -> Attribute {
    Attribute::string(name)
        .optional()
        .description(format!("{what}: {}.", listed(values)))
        .validator(OneOf::new(values.iter().copied()))
}

/// `node_os_config` as the resource holds it.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NodeOs {
    pub hugepage: Option<HugepageSettings>,
    pub sysctl: Option<BTreeMap<String, String>>,
}

/// `node_os_config.hugepage`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct HugepageSettings {
    pub transparent_enabled: Option<String>,
    pub transparent_defrag: Option<String>,
    pub khugepaged_defrag: Option<i64>,
    pub khugepaged_alloc_sleep_millisecs: Option<i64>,
    pub khugepaged_pages_to_scan: Option<i64>,
    pub khugepaged_scan_sleep_millisecs: Option<i64>,
}

same_fields!(
    HugepageSettings,
    Hugepage {
        transparent_enabled,
        transparent_defrag,
        khugepaged_defrag,
        khugepaged_alloc_sleep_millisecs,
        khugepaged_pages_to_scan,
        khugepaged_scan_sleep_millisecs
    }
);

impl NodeOs {
    pub fn to_api(&self) -> NodeOsConfig {
        NodeOsConfig {
            hugepage: self.hugepage.as_ref().map(Hugepage::from),
            sysctl: self.sysctl.clone().unwrap_or_default(),
        }
    }

    /// The API's settings; an empty `sysctl` map stays as it was written.
    pub fn from_api(os: &NodeOsConfig, prior: Option<&NodeOs>) -> NodeOs {
        let prior_sysctl = prior.and_then(|p| p.sysctl.as_ref());
        NodeOs {
            hugepage: os.hugepage.as_ref().map(HugepageSettings::from),
            sysctl: (!os.sysctl.is_empty() || prior_sysctl.is_some()).then(|| os.sysctl.clone()),
        }
    }
}

/// The `node_os_config` attribute.
pub fn attribute() -> Attribute {
    let count = |name: &str, min: i64, d: &str| {
        Attribute::number(name)
            .optional()
            .description(format!("khugepaged `{d}`, at least {min}."))
            .validator(IntBetween(min, i64::from(u32::MAX)))
    };
    let hugepage = vec![
        choice(
            "transparent_enabled",
            "Transparent huge pages (`transparent_hugepage/enabled`)",
            &rules::THP_ENABLED,
        ),
        choice(
            "transparent_defrag",
            "Their defragmentation (`transparent_hugepage/defrag`)",
            &rules::THP_DEFRAG,
        ),
        Attribute::number("khugepaged_defrag")
            .optional()
            .description("khugepaged `defrag`: `0` (off) or `1` (on).")
            .validator(IntBetween(0, 1)),
        count(
            "khugepaged_alloc_sleep_millisecs",
            0,
            "alloc_sleep_millisecs",
        ),
        count("khugepaged_pages_to_scan", 1, "pages_to_scan"),
        count("khugepaged_scan_sleep_millisecs", 0, "scan_sleep_millisecs"),
    ];
    Attribute::nested(
        "node_os_config",
        Nesting::Single,
        vec![
            Attribute::nested("hugepage", Nesting::Single, hugepage)
                .optional()
                .description("Transparent huge pages of the nodes; unset settings keep the image's."),
            Attribute::new("sysctl", Type::map(Type::String))
                .optional()
                .description("Kernel parameters of the nodes, e.g. `{ \"net.core.somaxconn\" = \"32768\" }`: dotted names with non-empty values, on clusters of Kubernetes 1.28 or later; the service applies the parameters it supports and refuses others."),
        ],
    )
    .optional()
    .description("Operating system settings of the nodes (ModifyNodePoolNodeConfig's `os_config`). Sent at create; a change is rolled out to the nodes in place (the whole setting is replaced).")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_keeps_an_empty_map_as_written() {
        let mut sysctl = BTreeMap::new();
        sysctl.insert("vm.max_map_count".to_owned(), "262144".to_owned());
        let os = NodeOs {
            hugepage: Some(HugepageSettings {
                transparent_enabled: Some("madvise".into()),
                khugepaged_defrag: Some(1),
                ..Default::default()
            }),
            sysctl: Some(sysctl),
        };
        assert_eq!(NodeOs::from_api(&os.to_api(), Some(&os)), os);
        let empty = NodeOs {
            hugepage: None,
            sysctl: Some(BTreeMap::new()),
        };
        assert_eq!(NodeOs::from_api(&empty.to_api(), Some(&empty)), empty);
        assert_eq!(NodeOs::from_api(&empty.to_api(), None).sysctl, None);
    }
}
