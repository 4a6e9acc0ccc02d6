//! A cluster's network as CreateCluster takes it: where it lives (an
//! existing VPC with vSwitches, or zones in which the service creates a
//! VPC), which network plugin, and the address ranges each plugin needs.
//! One set of rules for the provider's plan, the emulator and `check`.

use super::{network, RuleError};

/// The network plugins a cluster is created with (an `addons` entry).
pub const NETWORK_PLUGINS: [&str; 3] = ["flannel", "terway-eniip", "terway-eni"];

/// The address ranges pod CIDR blocks must lie in.
pub const PRIVATE_RANGES: [&str; 3] = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16"];

/// Shortest and longest prefix of a service CIDR block.
pub const SERVICE_PREFIX: std::ops::RangeInclusive<u8> = 16..=24;

/// Prefix lengths of each node's pod block (Flannel).
pub const NODE_CIDR_MASK: std::ops::RangeInclusive<u32> = 24..=28;

/// The kind of network plugin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plugin {
    /// Pods get addresses from the cluster's pod CIDR block.
    Flannel,
    /// Pods get VPC addresses from pod vSwitches.
    Terway,
}

/// The plugin an addon name installs; `None` for any other addon.
pub fn network_plugin(addon: &str) -> Option<Plugin> {
    match addon {
        "flannel" => Some(Plugin::Flannel),
        "terway-eniip" | "terway-eni" => Some(Plugin::Terway),
        _ => None,
    }
}

fn private_block(s: &str, what: &'static str) -> Result<ipnet::Ipv4Net, RuleError> {
    let net = network::cidr(s)?;
    let inside = PRIVATE_RANGES
        .iter()
        .any(|r| r.parse::<ipnet::Ipv4Net>().is_ok_and(|r| r.contains(&net)));
    if inside {
        Ok(net)
    } else {
        Err(RuleError::NotPrivate {
            what,
            value: s.to_owned(),
        })
    }
}

/// A pod CIDR block: a valid block inside the private ranges.
pub fn pod_cidr(s: &str) -> Result<(), RuleError> {
    private_block(s, "pod CIDR block").map(|_| ())
}

/// A service CIDR block: a valid block inside the private ranges, with a
/// /16 to /24 prefix.
pub fn service_cidr(s: &str) -> Result<(), RuleError> {
    let net = private_block(s, "service CIDR block")?;
    if SERVICE_PREFIX.contains(&net.prefix_len()) {
        Ok(())
    } else {
        Err(RuleError::ServicePrefix {
            value: s.to_owned(),
            len: net.prefix_len(),
        })
    }
}

/// A block that must not share addresses with a VPC: refused when it does.
pub fn outside_vpc(block: &str, vpc_cidr: &str) -> Result<(), RuleError> {
    let (Ok(b), Ok(v)) = (
        block.parse::<ipnet::Ipv4Net>(),
        vpc_cidr.parse::<ipnet::Ipv4Net>(),
    ) else {
        return Ok(());
    };
    if b.contains(&v.network()) || v.contains(&b.network()) {
        Err(RuleError::OverlapsVpc {
            value: block.to_owned(),
            vpc: vpc_cidr.to_owned(),
        })
    } else {
        Ok(())
    }
}

/// A value of the network plan: not set, set but not known yet (a plan),
/// or set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Setting<T> {
    #[default]
    Unset,
    Unknown,
    Set(T),
}

impl<T> Setting<T> {
    fn is_set(&self) -> bool {
        !matches!(self, Setting::Unset)
    }
}

/// The names the fields go by for whoever reads the refusal: the provider's
/// attributes or the API's fields.
#[derive(Debug, Clone, Copy)]
pub struct Names {
    pub vpc: &'static str,
    pub vswitches: &'static str,
    pub zones: &'static str,
    pub plugin: &'static str,
    pub pod_cidr: &'static str,
    pub pod_vswitches: &'static str,
    pub node_cidr_mask: &'static str,
}

/// The provider's attribute names.
pub const ATTRIBUTES: Names = Names {
    vpc: "vpc_id",
    vswitches: "vswitch_ids",
    zones: "zone_ids",
    plugin: "network_plugin",
    pod_cidr: "pod_cidr",
    pod_vswitches: "pod_vswitch_ids",
    node_cidr_mask: "node_cidr_mask",
};

/// The API's field names.
pub const API_FIELDS: Names = Names {
    vpc: "vpcid",
    vswitches: "vswitch_ids",
    zones: "zone_ids",
    plugin: "addons (network component)",
    pod_cidr: "container_cidr",
    pod_vswitches: "pod_vswitch_ids",
    node_cidr_mask: "node_cidr_mask",
};

/// What a create says of its network; `plugin` is the network addon's
/// name (`Unset` when none is given).
#[derive(Debug, Clone, Copy, Default)]
pub struct NetworkPlan<'a> {
    pub vpc: Setting<&'a str>,
    pub vswitches: Setting<usize>,
    pub zones: Setting<usize>,
    pub plugin: Setting<&'a str>,
    pub pod_cidr: Setting<&'a str>,
    pub pod_vswitches: Setting<usize>,
    pub node_cidr_mask: Setting<u32>,
}

/// A refusal of the network plan, with the field it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NetworkViolation {
    /// The field's name, from the [`Names`] given.
    pub field: &'static str,
    pub error: RuleError,
}

/// The network plan's rules: a VPC with vSwitches or zones (not both), one
/// known network plugin, and what that plugin needs. Unknown values skip the
/// rules that need them.
pub fn network_plan(n: &NetworkPlan<'_>, names: &Names) -> Vec<NetworkViolation> {
    let mut out = Vec::new();
    let mut refuse =
        |field: &'static str, error: RuleError| out.push(NetworkViolation { field, error });
    let in_vpc = n.vpc.is_set() || n.vswitches.is_set();
    match (in_vpc, n.zones.is_set()) {
        (true, true) => refuse(
            names.zones,
            RuleError::Conflict {
                what: names.zones,
                other: names.vpc,
                why: "a cluster goes into an existing VPC, or into zones where the service creates one",
            },
        ),
        (false, false) => refuse(
            names.vpc,
            RuleError::Required {
                what: names.vpc,
                why: "the service needs a VPC with vSwitches for the cluster, or zones to create one in",
            },
        ),
        (true, false) => {
            if !n.vpc.is_set() {
                refuse(names.vpc, RuleError::Required { what: names.vpc, why: "the vSwitches belong to a VPC" });
            }
            if !n.vswitches.is_set() {
                refuse(names.vswitches, RuleError::Required { what: names.vswitches, why: "the cluster's control plane and nodes attach to vSwitches of the VPC" });
            }
        }
        (false, true) => {}
    }
    let plugin = match n.plugin {
        Setting::Unset => {
            refuse(
                names.plugin,
                RuleError::Required {
                    what: names.plugin,
                    why:
                        "every cluster needs a network plugin: flannel, terway-eniip or terway-eni",
                },
            );
            return out;
        }
        Setting::Unknown => return out,
        Setting::Set(p) => match network_plugin(p) {
            Some(plugin) => plugin,
            None => {
                refuse(
                    names.plugin,
                    RuleError::Format {
                        what: "network plugin",
                        value: p.to_owned(),
                        example: "flannel",
                    },
                );
                return out;
            }
        },
    };
    match plugin {
        Plugin::Flannel => {
            if !n.pod_cidr.is_set() {
                refuse(
                    names.pod_cidr,
                    RuleError::Required {
                        what: names.pod_cidr,
                        why: "Flannel gives pods addresses from the pod CIDR block",
                    },
                );
            }
            if n.pod_vswitches.is_set() {
                refuse(
                    names.pod_vswitches,
                    RuleError::NotAllowed {
                        what: names.pod_vswitches,
                        why: "pod vSwitches are Terway's; Flannel uses the pod CIDR block",
                    },
                );
            }
        }
        Plugin::Terway => {
            if !n.pod_vswitches.is_set() {
                refuse(
                    names.pod_vswitches,
                    RuleError::Required {
                        what: names.pod_vswitches,
                        why: "Terway gives pods VPC addresses from pod vSwitches",
                    },
                );
            }
            if n.pod_cidr.is_set() {
                refuse(
                    names.pod_cidr,
                    RuleError::NotAllowed {
                        what: names.pod_cidr,
                        why: "Terway gives pods VPC addresses; the pod CIDR block is Flannel's",
                    },
                );
            }
            if n.node_cidr_mask.is_set() {
                refuse(
                    names.node_cidr_mask,
                    RuleError::NotAllowed {
                        what: names.node_cidr_mask,
                        why: "the node CIDR mask is Flannel's",
                    },
                );
            }
        }
    }
    if let Setting::Set(m) = n.node_cidr_mask {
        if !NODE_CIDR_MASK.contains(&m) {
            refuse(
                names.node_cidr_mask,
                RuleError::Range {
                    what: names.node_cidr_mask,
                    value: i64::from(m),
                    min: 24,
                    max: 28,
                },
            );
        }
    }
    if let Setting::Set(c) = n.pod_cidr {
        if let Err(e) = pod_cidr(c) {
            refuse(names.pod_cidr, e);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(n: &NetworkPlan<'_>) -> Vec<&'static str> {
        network_plan(n, &ATTRIBUTES)
            .iter()
            .map(|v| v.field)
            .collect()
    }

    #[test]
    fn a_vpc_with_vswitches_or_zones() {
        let flannel = NetworkPlan {
            plugin: Setting::Set("flannel"),
            pod_cidr: Setting::Set("172.20.0.0/16"),
            ..Default::default()
        };
        assert_eq!(fields(&flannel), ["vpc_id"]);
        let in_vpc = NetworkPlan {
            vpc: Setting::Set("vpc-a"),
            vswitches: Setting::Set(1),
            ..flannel
        };
        assert!(fields(&in_vpc).is_empty());
        let zones = NetworkPlan {
            zones: Setting::Set(2),
            ..flannel
        };
        assert!(fields(&zones).is_empty());
        let both = NetworkPlan {
            zones: Setting::Set(2),
            ..in_vpc
        };
        assert_eq!(fields(&both), ["zone_ids"]);
        let no_vswitches = NetworkPlan {
            vpc: Setting::Set("vpc-a"),
            ..flannel
        };
        assert_eq!(fields(&no_vswitches), ["vswitch_ids"]);
    }

    #[test]
    fn each_plugin_needs_its_ranges() {
        let base = NetworkPlan {
            zones: Setting::Set(1),
            ..Default::default()
        };
        assert_eq!(fields(&base), ["network_plugin"]);
        let flannel = NetworkPlan {
            plugin: Setting::Set("flannel"),
            ..base
        };
        assert_eq!(fields(&flannel), ["pod_cidr"]);
        let terway = NetworkPlan {
            plugin: Setting::Set("terway-eniip"),
            pod_cidr: Setting::Set("172.20.0.0/16"),
            ..base
        };
        assert_eq!(fields(&terway), ["pod_vswitch_ids", "pod_cidr"]);
        let unknown = NetworkPlan {
            plugin: Setting::Unknown,
            ..base
        };
        assert!(
            fields(&unknown).is_empty(),
            "unknown skips the plugin's rules"
        );
        let bad = NetworkPlan {
            plugin: Setting::Set("calico"),
            ..base
        };
        assert_eq!(fields(&bad), ["network_plugin"]);
        let api = network_plan(&flannel, &API_FIELDS);
        assert!(
            api[0].error.to_string().contains("container_cidr"),
            "{api:?}"
        );
    }

    #[test]
    fn private_ranges() {
        assert!(pod_cidr("172.20.0.0/16").is_ok());
        assert!(pod_cidr("10.0.0.0/8").is_ok());
        assert!(matches!(
            pod_cidr("11.0.0.0/8"),
            Err(RuleError::NotPrivate { .. })
        ));
        assert!(matches!(
            pod_cidr("172.0.0.0/8"),
            Err(RuleError::NotPrivate { .. })
        ));
        assert!(service_cidr("172.21.0.0/20").is_ok());
        assert!(matches!(
            service_cidr("10.0.0.0/8"),
            Err(RuleError::ServicePrefix { len: 8, .. })
        ));
        assert!(matches!(
            service_cidr("224.0.0.0/16"),
            Err(RuleError::CidrSpecialPurpose { .. })
        ));
        assert!(outside_vpc("192.168.0.0/24", "192.168.0.0/16").is_err());
        assert!(outside_vpc("172.20.0.0/16", "192.168.0.0/16").is_ok());
    }
}
