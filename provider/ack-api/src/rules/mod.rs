//! Validation rules for values users send to the API: names, CIDR blocks,
//! vSwitch and instance type lists, Kubernetes labels and taints, tags,
//! maintenance windows and operation timeouts.
//!
//! Written once and called by the provider (at `terraform validate`, with
//! attribute paths), by the emulator (server side) and by anything else that
//! needs to know whether a value would be accepted. Every function is pure.
//!
//! Functions over one value return `Result<_, RuleError>`; functions over a
//! collection return every [`Violation`] found, each with the place inside
//! the collection ([`Step`]s) so callers can point at the exact element.

mod cluster_network;
mod duration;
mod ids;
mod kube;
mod kubelet;
mod managed;
mod names;
mod network;
mod node_os;
mod node_pool;
mod recurrence;
mod tags;
mod upgrade;
mod window;

pub use cluster_network::{
    network_plan, network_plugin, outside_vpc, pod_cidr, service_cidr, Names, NetworkPlan,
    NetworkViolation, Plugin, Setting, API_FIELDS, ATTRIBUTES, NETWORK_PLUGINS, NODE_CIDR_MASK,
    PRIVATE_RANGES, SERVICE_PREFIX,
};
pub use duration::{timeout, MAX_TIMEOUT};
pub use ids::{
    cluster_domain, control_plane_log_component, extra_san, resource_group_id, security_group_id,
    timezone, vpc_id, vswitch_id, zone_id, CONTROL_PLANE_LOG_COMPONENTS,
};
pub use kube::{
    label_key, label_value, labels, node_label_key, qualified_name, taint_effect, taint_key,
    taint_value, taints, user_label_key, KUBERNETES_NAMESPACES, NODE_SELF_LABEL_NAMESPACES,
    TAINT_EFFECTS,
};
pub use kubelet::{
    kubelet, node_name_mode, quantity, CPU_MANAGER_POLICIES, EVICTION_SIGNALS, MAX_PODS,
    RESERVED_RESOURCES, RUNTIMES, TOPOLOGY_MANAGER_POLICIES,
};
pub use managed::{management, vul_level, VUL_LEVELS};
pub use names::{
    instance_types, is_cluster_id, kms_key_id, name, name_reference, region_id, score_plugin_names,
    vswitch_ids, MAX_INSTANCE_TYPES, MAX_VSWITCHES,
};
pub use network::{cidr, cidrs_disjoint, SPECIAL_PURPOSE_RANGES};
pub use node_os::{node_os_config, sysctl_name, SYSCTL_SINCE, THP_DEFRAG, THP_ENABLED};
pub use node_pool::{
    between, billing, data_disk_rules, disk_encryption, disk_size, login, login_password, one_of,
    performance_level, scaling_group, spot, CHARGE_TYPES, DATA_DISK_CATEGORIES, DATA_DISK_SIZE,
    FILE_SYSTEMS, IMAGE_TYPES, INTERNET_CHARGE_TYPES, MONTH_PERIODS, MULTI_AZ_POLICIES,
    PASSWORD_SPECIALS, PERFORMANCE_LEVELS, PERIOD_UNITS, SPOT_STRATEGIES, SYSTEM_DISK_CATEGORIES,
    SYSTEM_DISK_SIZE, WEEK_PERIODS,
};
pub use recurrence::{recurrence, DailyRecurrence};
pub use tags::{tag_key, tag_value, tags, user_tag_key, user_tags};
pub use upgrade::{
    batch_interval, rolling_policy, BATCH_INTERVAL, MAX_PARALLELISM, PAUSE_POLICIES,
};
pub use window::{maintenance_duration, maintenance_time, maintenance_window, weekly_period};

/// Most nodes a node pool may be asked to run at a fixed size
/// (`scaling_group.desired_size`), and fewest an autoscaling pool may keep.
pub const MAX_DESIRED_SIZE: u64 = 1000;
/// Most nodes an autoscaling node pool may grow to (`max_instances`).
pub const MAX_AUTOSCALING_SIZE: u64 = 2000;

/// Tag keys starting with this are the provider's bookkeeping (the create
/// token); users may not set them.
pub const RESERVED_TAG_PREFIX: &str = "acklabs:";
/// Tag key under which creates record their idempotency token (the client
/// finds an object it created but lost the answer for by this tag).
pub const CREATE_TOKEN_TAG: &str = "acklabs:create-token";
/// Node label keys under this prefix carry provider attributes (such as the
/// accelerator); users may not set them.
pub const RESERVED_LABEL_PREFIX: &str = "acklabs.io/";

/// Why a value is refused. Messages are written for the person who set the
/// value: what is wrong, and what is allowed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("{what} must not be empty")]
    Empty { what: &'static str },
    #[error("{what} {value:?} is {len} characters long; at most {max} are allowed")]
    TooLong {
        what: &'static str,
        value: String,
        len: usize,
        max: usize,
    },
    #[error("name {0:?} may only hold letters, digits, '-' and '_', and must start with a letter or digit (1-63 characters)")]
    Name(String),
    #[error("{0:?} cannot be a cluster's name: 1-63 letters, digits, '-' or '_', not starting with '-' or '_'")]
    NameReference(String),
    #[error("{what} {value:?} is not valid: {reason}")]
    QualifiedName {
        what: &'static str,
        value: String,
        reason: &'static str,
    },
    #[error("{what} {value:?} is not valid: up to 63 letters, digits, '-', '_' or '.', starting and ending with a letter or digit (or empty)")]
    LabelValue { what: &'static str, value: String },
    #[error("taint effect {0:?} is not one of NoSchedule, PreferNoSchedule, NoExecute")]
    TaintEffect(String),
    #[error("taint {key:?} with effect {effect} appears more than once; Kubernetes allows one taint per key and effect")]
    DuplicateTaint { key: String, effect: String },
    #[error("{what} {value:?} is reserved: keys starting with {prefix:?} are set by the provider itself; choose another key")]
    Reserved {
        what: &'static str,
        value: String,
        prefix: &'static str,
    },
    #[error("{what} {value:?} is in the {namespace} namespace, which Kubernetes reserves for its own components ({allowed}); choose a key under your own domain, such as \"example.com/role\"")]
    KubernetesNamespace {
        what: &'static str,
        value: String,
        namespace: &'static str,
        allowed: &'static str,
    },
    #[error("tag key {value:?} is not valid: {reason}")]
    TagKey { value: String, reason: &'static str },
    #[error("{0:?} is not an IPv4 CIDR block such as \"172.20.0.0/16\"")]
    Cidr(String),
    #[error("{value:?} has a /{len} prefix; use a prefix from /8 to /30")]
    CidrPrefix { value: String, len: u8 },
    #[error("{value:?} has host bits set; the block starting there is {network:?}")]
    CidrHostBits { value: String, network: String },
    #[error("{value:?} overlaps {range}, which is reserved for {purpose} and cannot address pods or services; use a private block such as \"172.20.0.0/16\" or \"10.0.0.0/16\"")]
    CidrSpecialPurpose {
        value: String,
        range: &'static str,
        purpose: &'static str,
    },
    #[error("{what} {value:?} is not a private block: use one inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16")]
    NotPrivate { what: &'static str, value: String },
    #[error("service CIDR block {value:?} has a /{len} prefix; use a prefix from /16 to /24")]
    ServicePrefix { value: String, len: u8 },
    #[error("{value:?} overlaps the VPC's block {vpc:?}; pod and service blocks must lie outside the VPC")]
    OverlapsVpc { value: String, vpc: String },
    #[error("{what} is required: {why}")]
    Required {
        what: &'static str,
        why: &'static str,
    },
    #[error("{what} cannot be set: {why}")]
    NotAllowed {
        what: &'static str,
        why: &'static str,
    },
    #[error("{what} cannot be set together with {other}: {why}")]
    Conflict {
        what: &'static str,
        other: &'static str,
        why: &'static str,
    },
    #[error("{what} is {value}; it must be from {min} to {max}")]
    Range {
        what: &'static str,
        value: i64,
        min: i64,
        max: i64,
    },
    #[error("{a:?} and {b:?} overlap; the service and pod CIDR blocks must not share addresses")]
    CidrOverlap { a: String, b: String },
    #[error("{what} {value:?} appears more than once")]
    Duplicate { what: &'static str, value: String },
    #[error("{what}: {got} given, {min} to {max} allowed")]
    Count {
        what: &'static str,
        got: usize,
        min: usize,
        max: usize,
    },
    #[error("{what} {value:?} is not valid; expected something like {example:?}")]
    Format {
        what: &'static str,
        value: String,
        example: &'static str,
    },
    #[error("maintenance time {0:?} is not a time of day: use \"HH:MM:SSZ\" (UTC, e.g. \"03:00:00Z\", hours 00-23, minutes and seconds 00-59) or an RFC 3339 date-time")]
    MaintenanceTime(String),
    #[error("maintenance duration {0:?} is not valid: use whole hours from \"1h\" to \"24h\", e.g. \"3h\"")]
    MaintenanceDuration(String),
    #[error("weekly period {0:?} is not valid: use day names separated by commas, e.g. \"Monday,Thursday\" (Monday, Tuesday, Wednesday, Thursday, Friday, Saturday, Sunday; each at most once)")]
    WeeklyPeriod(String),
    #[error("schedule {value:?} is not a recurrence rule the service accepts: {reason}. Use an RFC 5545 rule such as \"FREQ=DAILY;BYHOUR=3;BYMINUTE=0\" (FREQ=DAILY, BYHOUR 0-23 and BYMINUTE 0-59 required, nothing else)")]
    Recurrence { value: String, reason: String },
    #[error("{0:?} is not a duration: use forms like \"45s\", \"30m\" or \"1h30m\" (units h, m, s; more than zero)")]
    Duration(String),
    #[error("{what} {value:?} is not one of {allowed}")]
    NotOneOf {
        what: &'static str,
        value: String,
        allowed: String,
    },
    #[error("the login password is not valid: it has {len} characters and {classes} of the four kinds{}; use 8 to 30 characters with at least three of upper-case letters, lower-case letters, digits and the special characters ()`~!@#$%^&*-_+=|{{}}[]:;'<>,.?/", if *other { ", and a character that is none of them" } else { "" })]
    Password {
        len: usize,
        classes: usize,
        other: bool,
    },
    #[error("{what} of {size} GiB is out of range for {category}: {min} to {max} GiB")]
    DiskSize {
        what: &'static str,
        category: String,
        size: u32,
        min: u32,
        max: u32,
    },
    #[error("{value:?} is longer than the largest allowed timeout, {max}")]
    DurationTooLong { value: String, max: &'static str },
}

/// One step into a collection, for pointing at the offending element.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// A key of a map (labels, tags).
    Key(String),
    /// An element of a list.
    Index(usize),
    /// A field of an object (a taint's `key`, `value` or `effect`).
    Field(&'static str),
}

/// A refused element of a collection.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{error}")]
pub struct Violation {
    /// Where inside the collection; empty for the collection as a whole.
    pub at: Vec<Step>,
    pub error: RuleError,
}

impl Violation {
    pub(crate) fn new(at: Vec<Step>, error: RuleError) -> Violation {
        Violation { at, error }
    }

    pub(crate) fn whole(error: RuleError) -> Violation {
        Violation {
            at: Vec::new(),
            error,
        }
    }

    /// `field` plus the location, API style (`labels["a b"]`, `taints[1].key`),
    /// for server-side error messages.
    pub fn located(&self, field: &str) -> String {
        format!("{}: {}", path(field, &self.at), self.error)
    }
}

/// `field` followed by `at`, as `labels["a b"]`, `taints[1].key` or
/// `autoscaling.max_size`.
pub fn path(field: &str, at: &[Step]) -> String {
    let mut s = field.to_owned();
    for step in at {
        match step {
            Step::Key(k) => s.push_str(&format!("[{k:?}]")),
            Step::Index(i) => s.push_str(&format!("[{i}]")),
            Step::Field(f) => {
                s.push('.');
                s.push_str(f);
            }
        }
    }
    s
}

/// Characters, not bytes: what users count.
pub(crate) fn chars(s: &str) -> usize {
    s.chars().count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_providers_own_keys_are_reserved() {
        assert!(CREATE_TOKEN_TAG.starts_with(RESERVED_TAG_PREFIX));
        assert!(user_tag_key(CREATE_TOKEN_TAG).is_err());
    }

    #[test]
    fn violations_name_their_place() {
        let v = Violation::new(
            vec![Step::Index(1), Step::Field("key")],
            RuleError::Empty { what: "taint key" },
        );
        assert_eq!(
            v.located("taints"),
            "taints[1].key: taint key must not be empty"
        );
        let v = Violation::new(
            vec![Step::Key("a b".into())],
            RuleError::Empty { what: "x" },
        );
        assert!(v.located("labels").starts_with("labels[\"a b\"]"));
    }
}
