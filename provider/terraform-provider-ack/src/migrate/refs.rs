//! References to migrated resources elsewhere in the configuration
//! (`alicloud_cs_managed_kubernetes.k8s.id` in an output, a module
//! argument, another resource) rewritten to the `ack_*` resource, with the
//! attribute's new name. Only the traversal changes: the formatting and
//! comments around it stay.

use std::collections::BTreeMap;

use hcl_edit::expr::{Expression, Traversal, TraversalOperator};
use hcl_edit::visit_mut::{visit_traversal_mut, VisitMut};
use hcl_edit::{Decorated, Ident};

use super::translate::Note;

/// Migrated resources: source address → target type.
pub type Moves = BTreeMap<String, &'static str>;

/// The attribute of the target for an alicloud attribute; `None` when it
/// has none.
fn rename(target: &str, attr: &str) -> Option<&'static str> {
    let pairs: &[(&str, &'static str)] = match target {
        "ack_cluster" => &[
            ("id", "id"),
            ("name", "name"),
            ("version", "kubernetes_version"),
            ("vpc_id", "vpc_id"),
            ("vswitch_ids", "vswitch_ids"),
            ("worker_vswitch_ids", "vswitch_ids"),
            ("pod_cidr", "pod_cidr"),
            ("service_cidr", "service_cidr"),
            ("security_group_id", "security_group_id"),
            ("resource_group_id", "resource_group_id"),
            ("tags", "tags"),
            ("enable_rrsa", "rrsa_enabled"),
            ("deletion_protection", "deletion_protection"),
        ],
        "ack_node_pool" => &[
            ("id", "id"),
            ("node_pool_id", "node_pool_id"),
            ("cluster_id", "cluster_id"),
            ("node_pool_name", "name"),
            ("name", "name"),
            ("instance_types", "instance_types"),
            ("desired_size", "desired_size"),
            ("node_count", "node_count"),
        ],
        "ack_addon" => &[
            ("id", "id"),
            ("cluster_id", "cluster_id"),
            ("name", "name"),
            ("version", "version"),
            ("config", "config"),
        ],
        _ => &[],
    };
    pairs.iter().find(|(a, _)| *a == attr).map(|(_, b)| *b)
}

pub struct Rewriter<'a> {
    pub moves: &'a Moves,
    /// The file the references are in, for notes.
    pub place: String,
    pub notes: Vec<Note>,
}

fn get_attr(op: &Decorated<TraversalOperator>) -> Option<&str> {
    match op.value() {
        TraversalOperator::GetAttr(i) => Some(i.as_str()),
        _ => None,
    }
}

impl VisitMut for Rewriter<'_> {
    fn visit_traversal_mut(&mut self, node: &mut Traversal) {
        visit_traversal_mut(self, node);
        let Expression::Variable(root) = &node.expr else {
            return;
        };
        let Some(name) = node.operators.first().and_then(get_attr) else {
            return;
        };
        let address = format!("{}.{name}", root.as_str());
        let Some(target) = self.moves.get(&address).copied() else {
            return;
        };
        if let Some(attr) = node.operators.get(1).and_then(get_attr).map(str::to_owned) {
            match rename(target, &attr) {
                Some(new) if new != attr => {
                    if let Some(op) = node.operators.get_mut(1) {
                        *op.value_mut() = TraversalOperator::GetAttr(Decorated::new(Ident::new(new)));
                    }
                }
                Some(_) => {}
                None => self.notes.push(Note {
                    address: self.place.clone(),
                    what: format!("{address}.{attr}"),
                    why: format!("{target} has no `{attr}`; the reference now points at {target}.{name}.{attr}, which fails until you change it"),
                }),
            }
        }
        node.expr = Expression::Variable(Decorated::new(Ident::new(target)));
    }
}
