//! The configuration the tests have in common, written here once: the
//! emulator's default network, a cluster on it, a node pool with the
//! arguments the emulator insists on, and the provider block.
//!
//! A block is built from its required arguments and then adjusted:
//! `hcl::pool("p", "main", "p").set("desired_size", 2).str("accelerator", "gpu")`;
//! nested blocks go in as text, after the arguments.

use std::fmt;

use crate::REQUIRED_PROVIDERS;

/// The VPC of the emulator's default network (region `cn-hangzhou`).
pub const VPC: &str = "vpc-ack00000000000000001";
/// The vSwitch of that VPC the tests put clusters and pools on.
pub const VSWITCH: &str = "vsw-ack00000000000000001";
/// The key pair the emulator's inventory holds.
pub const KEY_PAIR: &str = "ack-keypair";
/// The instance type the tests' pools use unless they say otherwise.
pub const INSTANCE_TYPE: &str = "ecs.g7.xlarge";

/// The start of every test configuration: the required providers and an
/// empty `provider "ack"` block (the tests configure it by environment).
pub fn header() -> String {
    format!("{REQUIRED_PROVIDERS}provider \"ack\" {{}}\n")
}

/// A quoted HCL string.
pub fn quote(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A resource block: its arguments in order, each an HCL expression, and
/// free text (nested blocks, comments) after them.
#[derive(Clone, Debug)]
pub struct Block {
    kind: String,
    label: String,
    args: Vec<(String, String)>,
    text: Vec<String>,
}

impl Block {
    pub fn new(kind: &str, label: &str) -> Block {
        Block {
            kind: kind.to_owned(),
            label: label.to_owned(),
            args: Vec::new(),
            text: Vec::new(),
        }
    }

    /// Sets `key` to the expression `value` (replacing an earlier value).
    pub fn set(mut self, key: &str, value: impl fmt::Display) -> Block {
        let value = value.to_string();
        match self.args.iter_mut().find(|(k, _)| k == key) {
            Some(slot) => slot.1 = value,
            None => self.args.push((key.to_owned(), value)),
        }
        self
    }

    /// Leaves `key` out.
    pub fn unset(mut self, key: &str) -> Block {
        self.args.retain(|(k, _)| k != key);
        self
    }

    /// Sets `key` to the string `value`.
    pub fn str(self, key: &str, value: &str) -> Block {
        self.set(key, quote(value))
    }

    /// Appends `text` verbatim inside the block, after the arguments.
    pub fn text(mut self, text: &str) -> Block {
        self.text.push(text.trim_end_matches('\n').to_owned());
        self
    }
}

impl fmt::Display for Block {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "\nresource \"{}\" \"{}\" {{", self.kind, self.label)?;
        for (k, v) in &self.args {
            writeln!(f, "  {k} = {v}")?;
        }
        for t in self.text.iter().filter(|t| !t.is_empty()) {
            writeln!(f, "{t}")?;
        }
        writeln!(f, "}}")
    }
}

impl From<Block> for String {
    fn from(b: Block) -> String {
        b.to_string()
    }
}

/// `ack_cluster.<label>` named `name` on the default network, a Standard
/// cluster unless `edition` is set.
pub fn cluster(label: &str, name: &str) -> Block {
    Block::new("ack_cluster", label)
        .str("name", name)
        .str("vpc_id", VPC)
        .set("vswitch_ids", list(&[VSWITCH]))
        .str("pod_cidr", "172.20.0.0/16")
}

/// `ack_node_pool.<label>` named `name` in `ack_cluster.<cluster>`, with
/// what every pool needs: an instance type, the default vSwitch,
/// pay-as-you-go billing and the key pair. No size: the caller sets
/// `desired_size` or `autoscaling`.
pub fn pool(label: &str, cluster: &str, name: &str) -> Block {
    Block::new("ack_node_pool", label)
        .set("cluster_name", format!("ack_cluster.{cluster}.name"))
        .str("name", name)
        .set("instance_types", list(&[INSTANCE_TYPE]))
        .set("vswitch_ids", list(&[VSWITCH]))
        .str("instance_charge_type", "PostPaid")
        .str("key_pair", KEY_PAIR)
}

/// `ack_encryption.secrets` of `ack_cluster.<cluster>`, with the emulator's
/// first KMS key.
pub fn encryption(cluster: &str) -> Block {
    Block::new("ack_encryption", "secrets")
        .set("cluster_name", format!("ack_cluster.{cluster}.name"))
        .str("kms_key_id", "key-ack00000000000000001")
}

/// The text of `examples/<path>`: the user-facing examples, read where a
/// test wants the configuration they document.
pub fn example(path: &str) -> String {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../examples")
        .join(path);
    std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

/// A list of HCL strings.
pub fn list(items: &[&str]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| quote(s)).collect();
    format!("[{}]", quoted.join(", "))
}
