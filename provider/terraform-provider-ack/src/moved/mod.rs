//! State moved from `aliyun/alicloud` (`moved` blocks, Terraform 1.8+):
//! `alicloud_cs_managed_kubernetes` (and the deprecated
//! `alicloud_cs_kubernetes` when it holds a managed cluster) → `ack_cluster`,
//! `alicloud_cs_kubernetes_node_pool` → `ack_node_pool`,
//! `alicloud_cs_kubernetes_addon` → `ack_addon`.
//!
//! One file per target resource. Each maps every attribute of alicloud's
//! state that has a counterpart and leaves the rest to the refresh that
//! follows the move (the API is the truth for what the state lacks).
//! Arguments the API never reports back and that this provider fixes at
//! create (`network_plugin`, `snat_entry`, create-time `addons`, …) are
//! left unset, as after an import: the first plan records the configured
//! value in place instead of replacing the cluster over a spelling that
//! differs from alicloud's.

pub mod addon;
pub mod cluster;
pub mod node_pool;

use serde_json::{Map, Value as Json};
use tfplugin::framework::{MoveStateRequest, MoveStateResponse};
use tfplugin::Diagnostic;

/// The registry namespaces alicloud has been published under.
const ALICLOUD_ADDRESSES: [&str; 2] = [
    "registry.terraform.io/aliyun/alicloud",
    "registry.terraform.io/hashicorp/alicloud",
];

/// The highest schema version alicloud has shipped for its ACK resources
/// (none of them declares a `SchemaVersion`, so every state is version 0).
pub const ALICLOUD_SCHEMA_VERSION: i64 = 0;

/// Why a moved state was refused.
#[derive(Debug, thiserror::Error)]
pub enum MoveError {
    #[error("state of {source_type} from {provider} cannot become {target}")]
    Unsupported {
        provider: String,
        source_type: String,
        target: &'static str,
        hint: String,
    },
    #[error("alicloud state version {0} is newer than this provider knows")]
    Version(i64),
    #[error("the moved state is not alicloud's JSON: {0}")]
    Json(String),
    #[error("{attribute}: {why}")]
    Refused {
        attribute: &'static str,
        why: String,
        what_to_do: String,
    },
    #[error("the state has no `{0}`")]
    Missing(&'static str),
}

impl MoveError {
    /// The diagnostic Terraform shows, written for the person running the plan.
    pub fn diagnostic(&self, target: &str) -> Diagnostic {
        match self {
            MoveError::Unsupported { hint, .. } => Diagnostic::error(
                "Move not supported",
                format!("{self}. {hint}"),
            ),
            MoveError::Version(v) => Diagnostic::error(
                "Unknown alicloud state version",
                format!(
                    "The moved state has alicloud schema version {v}; {target} knows versions up to {ALICLOUD_SCHEMA_VERSION}. \
                     Upgrade this provider, or remove the `moved` block and import the object instead."
                ),
            ),
            MoveError::Json(_) | MoveError::Missing(_) => Diagnostic::error(
                "Could not read the moved state",
                format!("{self}. Remove the `moved` block and import the object into {target} instead."),
            ),
            MoveError::Refused {
                attribute,
                why,
                what_to_do,
            } => Diagnostic::error(
                format!("Cannot move this object to {target}"),
                format!("`{attribute}` in the alicloud state: {why}. {what_to_do}"),
            ),
        }
    }
}

/// alicloud's state of one object: a JSON object in the SDKv2 shape
/// (blocks are lists of objects, numbers may be strings).
pub struct Source {
    attrs: Map<String, Json>,
    pub type_name: String,
}

impl Source {
    /// Reads the request, refusing other providers, types other than
    /// `accepted` and schema versions alicloud has not shipped.
    pub fn read(
        req: &MoveStateRequest,
        accepted: &[&str],
        target: &'static str,
    ) -> Result<Source, MoveError> {
        let from_alicloud = ALICLOUD_ADDRESSES.contains(&req.source_provider_address.as_str());
        if !from_alicloud || !accepted.contains(&req.source_type_name.as_str()) {
            return Err(MoveError::Unsupported {
                provider: req.source_provider_address.clone(),
                source_type: req.source_type_name.clone(),
                target,
                hint: format!(
                    "{target} takes state moved from aliyun/alicloud's {}. Remove the `moved` block and import the object instead.",
                    accepted.join(", ")
                ),
            });
        }
        if req.source_schema_version > ALICLOUD_SCHEMA_VERSION {
            return Err(MoveError::Version(req.source_schema_version));
        }
        let attrs = match serde_json::from_slice::<Json>(&req.source_state_json) {
            Ok(Json::Object(m)) => m,
            Ok(_) => return Err(MoveError::Json("not an object".into())),
            Err(e) => return Err(MoveError::Json(e.to_string())),
        };
        Ok(Source {
            attrs,
            type_name: req.source_type_name.clone(),
        })
    }

    #[cfg(test)]
    pub fn from_json(type_name: &str, j: Json) -> Source {
        Source {
            attrs: j.as_object().cloned().unwrap_or_default(),
            type_name: type_name.into(),
        }
    }

    fn get(&self, k: &str) -> Option<&Json> {
        self.attrs.get(k).filter(|v| !v.is_null())
    }

    /// A non-empty string.
    pub fn str(&self, k: &str) -> Option<String> {
        text(self.get(k)?)
    }

    pub fn bool(&self, k: &str) -> Option<bool> {
        boolean(self.get(k)?)
    }

    pub fn int(&self, k: &str) -> Option<i64> {
        int(self.get(k)?)
    }

    /// A list of strings; `None` when absent or empty.
    pub fn strings(&self, k: &str) -> Option<Vec<String>> {
        strings(self.get(k)?)
    }

    /// A map of strings; `None` when absent or empty.
    pub fn map(&self, k: &str) -> Option<std::collections::BTreeMap<String, String>> {
        let m = self.get(k)?.as_object()?;
        let out: std::collections::BTreeMap<_, _> = m
            .iter()
            .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
            .collect();
        (!out.is_empty()).then_some(out)
    }

    /// The objects of a block list.
    pub fn blocks(&self, k: &str) -> Vec<&Map<String, Json>> {
        blocks(self.get(k))
    }

    /// The single object of a `MaxItems: 1` block.
    pub fn block(&self, k: &str) -> Option<&Map<String, Json>> {
        self.blocks(k).into_iter().next()
    }
}

/// The objects of a block list (`[{…}]`); a lone object is read as one.
pub fn blocks(v: Option<&Json>) -> Vec<&Map<String, Json>> {
    match v {
        Some(Json::Array(a)) => a.iter().filter_map(Json::as_object).collect(),
        Some(Json::Object(o)) => vec![o],
        _ => Vec::new(),
    }
}

pub fn text(v: &Json) -> Option<String> {
    match v {
        Json::String(s) if !s.is_empty() => Some(s.clone()),
        Json::Number(n) => Some(n.to_string()),
        Json::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

pub fn boolean(v: &Json) -> Option<bool> {
    match v {
        Json::Bool(b) => Some(*b),
        Json::String(s) => s.parse().ok(),
        _ => None,
    }
}

pub fn int(v: &Json) -> Option<i64> {
    match v {
        Json::Number(n) => n.as_i64(),
        Json::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

pub fn strings(v: &Json) -> Option<Vec<String>> {
    let out: Vec<String> = v.as_array()?.iter().filter_map(text).collect();
    (!out.is_empty()).then_some(out)
}

/// A field of a nested object.
pub fn field<'a>(m: &'a Map<String, Json>, k: &str) -> Option<&'a Json> {
    m.get(k).filter(|v| !v.is_null())
}

/// The response for a mapping's result.
pub fn respond(
    req: MoveStateRequest,
    target: &'static str,
    mapped: Result<tfplugin::Value, MoveError>,
) -> MoveStateResponse {
    match mapped {
        Ok(state) => MoveStateResponse {
            state,
            // alicloud keeps its timeouts in private state; ours live in
            // the `timeouts` attribute, so nothing of it carries over.
            private: Default::default(),
            diagnostics: Default::default(),
        },
        Err(e) => {
            let _ = req;
            MoveStateResponse {
                diagnostics: e.diagnostic(target).into(),
                ..Default::default()
            }
        }
    }
}

#[cfg(test)]
mod tests;
