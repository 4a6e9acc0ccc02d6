//! Helpers shared by resources: timeouts, tags, value access, the API client
//! and turning client errors into diagnostics.

use std::collections::BTreeMap;
use std::time::Duration;

use ack_api::model::Tag;
use ack_client::{Client, Error as ApiError, CREATE_TOKEN_TAG};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use tfplugin::value::serde::{from_value, to_value};
use tfplugin::{Attribute, AttributePath, Block, Diagnostic, NestedBlock, Nesting, Type, Value};

use crate::shared::Shared;

/// The API client, or a diagnostic saying why there is none.
pub fn client(shared: &Shared) -> Result<&Client, Diagnostic> {
    shared.client.get().ok_or_else(|| {
        Diagnostic::error(
            "Provider not configured",
            "The provider block was not fully known when this resource needed the ACK API. Make sure endpoint, \
             region and credentials do not depend on resources created in the same apply.",
        )
    })
}

/// Parses a timeout such as `30s`, `20m` or `1h30m` by the API contract's
/// rule (overflow-checked, at most a week); `None` when it is not one.
pub fn parse_duration(s: &str) -> Option<Duration> {
    ack_api::rules::timeout(s).ok()
}

/// The `timeouts { create update delete }` block.
pub fn timeouts_block(create: &str, update: &str, delete: &str) -> NestedBlock {
    let attr = |name: &str, default: &str| {
        Attribute::string(name)
            .optional()
            .description(format!(
                "How long to wait for {name} to finish, e.g. `30m` or `1h30m`. Default `{default}`."
            ))
            .validator(crate::validation::timeout())
    };
    NestedBlock::new(
        "timeouts",
        Nesting::Single,
        Block::new()
            .description("Operation timeouts.")
            .attribute(attr("create", create))
            .attribute(attr("update", update))
            .attribute(attr("delete", delete)),
    )
}

/// The `timeouts` block of a resource's model.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Timeouts {
    pub create: Option<String>,
    pub update: Option<String>,
    pub delete: Option<String>,
}

/// The operation a timeout bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Create,
    Update,
    Delete,
}

/// The timeout for `op` from a model's `timeouts` block, else `default`.
pub fn timeout(t: &Option<Timeouts>, op: Op, default: Duration) -> Duration {
    t.as_ref()
        .and_then(|t| match op {
            Op::Create => t.create.as_deref(),
            Op::Update => t.update.as_deref(),
            Op::Delete => t.delete.as_deref(),
        })
        .and_then(parse_duration)
        .unwrap_or(default)
}

/// Reads a resource's model out of its configuration, plan or state. A
/// value that does not fit the model (a number where a whole number is
/// needed, say) is an error naming the model, never a silent default.
pub fn model<T: DeserializeOwned>(v: &Value, what: &str) -> Result<T, Diagnostic> {
    from_value(v).map_err(|e| {
        Diagnostic::error(
            format!("Invalid {what} value"),
            format!(
                "The {what} value does not fit the resource's model: {}",
                e.message
            ),
        )
        .at(e.path)
    })
}

/// Writes a resource's model as a value of the schema's type `ty`.
pub fn state<T: Serialize>(model: &T, ty: &Type, what: &str) -> Result<Value, Diagnostic> {
    to_value(model, ty).map_err(|e| {
        Diagnostic::error(
            format!("Could not write the {what} state"),
            format!(
                "The provider built a state that does not fit the schema: {}",
                e.message
            ),
        )
        .at(e.path)
    })
}

/// Replaces the unknowns left in a planned value with nulls: a partial
/// state holds what the provider learned, and null for what it did not.
pub fn null_unknowns(v: &mut Value) {
    let mut found = Vec::new();
    tfplugin::strip_unknowns(v, &AttributePath::root(), &mut found);
}

pub fn set(v: &mut Value, name: &str, x: impl Into<Value>) {
    if let Some(slot) = v.get_mut(name) {
        *slot = x.into();
    }
}

/// Tags as the API wants them (sorted), from a `map(string)` attribute.
pub fn tags_to_api(m: Option<&BTreeMap<String, String>>) -> Vec<Tag> {
    m.into_iter()
        .flatten()
        .map(|(key, value)| Tag {
            key: key.clone(),
            value: value.clone(),
        })
        .collect()
}

/// Tags as a `map(string)` attribute, without our bookkeeping tags; an
/// unset attribute (`prior` null) stays null when there are none, so it
/// never shows a diff.
pub fn tags_from_api(
    tags: &[Tag],
    prior: Option<&BTreeMap<String, String>>,
) -> Option<BTreeMap<String, String>> {
    let m: BTreeMap<String, String> = tags
        .iter()
        .filter(|t| t.key != CREATE_TOKEN_TAG)
        .map(|t| (t.key.clone(), t.value.clone()))
        .collect();
    (!m.is_empty() || prior.is_some()).then_some(m)
}

pub fn list_value(items: &[String]) -> Value {
    Value::List(items.iter().map(|s| Value::from(s.as_str())).collect())
}

/// Values as a description lists them: `` `a`, `b` ``.
pub fn listed(values: &[&str]) -> String {
    values
        .iter()
        .map(|v| format!("`{v}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn map_type() -> Type {
    Type::map(Type::String)
}

/// A client error as a diagnostic for the person running Terraform.
pub fn api_diag(what: &str, e: &ApiError) -> Diagnostic {
    let detail = match e {
        ApiError::Cancelled => {
            "Terraform asked the provider to stop. Run the command again to finish.".to_owned()
        }
        ApiError::Timeout(..) => format!(
            "{e}. Raise the value in the resource's `timeouts` block, or check the service."
        ),
        _ => match e.code().and_then(advice) {
            Some(a) => format!("{e}\n\n{a}"),
            None => format!("{e}"),
        },
    };
    Diagnostic::error(format!("Could not {what}"), detail)
}

/// What to do in the configuration about an API error: the service speaks
/// the API's language, the Terraform advice is added here.
fn advice(code: &str) -> Option<String> {
    let pro = ack_api::edition::get(ack_api::edition::EditionId::Pro);
    Some(match code {
        "ErrorClusterSpecNotSupported" => format!(
            "Upgrade the cluster to `edition = \"{}\"` (in place, in the same apply), or remove the setting that needs {}.",
            pro.name, pro.display_name
        ),
        "QuotaExceeded.Node" => format!(
            "Use fewer nodes, or upgrade the cluster to `edition = \"{}\"` (up to {} nodes); a lower node quota is raised in Quota Center.",
            pro.name, pro.max_nodes
        ),
        "QuotaExceeded.Cluster" | "QuotaExceeded.NodePool" => {
            "Remove resources you no longer need, or request a higher quota in Quota Center.".to_owned()
        }
        "ErrorApiServerEndpointNotPublic" => "Set `private_ip = true` on the kubeconfig and connect from inside the VPC, or set `endpoint_public_access = true` on the cluster (in place).".to_owned(),
        "ErrorDeletionProtection" => {
            "Set `deletion_protection = false` and apply first, then destroy.".to_owned()
        }
        c if c.starts_with("InvalidSecurityToken") => "The STS token (`security_token` or ALIBABA_CLOUD_SECURITY_TOKEN) does not belong to the access key or has expired: refresh the temporary credentials.".to_owned(),
        _ => return None,
    })
}

pub fn at(d: Diagnostic, attr: &str) -> Diagnostic {
    d.at(AttributePath::attr(attr))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_errors_get_terraform_advice() {
        let tier = advice("ErrorClusterSpecNotSupported").unwrap();
        assert!(tier.contains("`edition = \"pro\"`"), "{tier}");
        assert!(advice("QuotaExceeded.Node")
            .unwrap()
            .contains("up to 5000 nodes"));
        assert!(advice("InvalidSecurityToken.Expired").is_some());
        assert!(advice("ErrorApiServerEndpointNotPublic")
            .unwrap()
            .contains("private_ip = true"));
        assert_eq!(advice("ErrorClusterNotFound"), None);
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("30m"), Some(Duration::from_secs(1800)));
        assert_eq!(parse_duration("1h30m"), Some(Duration::from_secs(5400)));
        assert_eq!(parse_duration("45s"), Some(Duration::from_secs(45)));
        assert_eq!(parse_duration("10"), None);
        assert_eq!(parse_duration("1d"), None);
        assert_eq!(parse_duration("3381903080180084463m"), None);
    }

    #[test]
    fn bookkeeping_tags_are_hidden() {
        let tags = vec![Tag {
            key: CREATE_TOKEN_TAG.into(),
            value: "x".into(),
        }];
        assert_eq!(tags_from_api(&tags, None), None);
        assert_eq!(
            tags_from_api(&tags, Some(&BTreeMap::new())),
            Some(BTreeMap::new())
        );
        let tags = vec![Tag {
            key: "env".into(),
            value: "dev".into(),
        }];
        assert_eq!(tags_from_api(&tags, None).map(|m| m.len()), Some(1));
    }
}
