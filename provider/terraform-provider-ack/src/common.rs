//! Helpers shared by resources: timeouts, tags, value access, the API client
//! and turning client errors into diagnostics.

use std::collections::BTreeMap;
use std::time::Duration;

use ack_api::model::Tag;
use ack_client::{Client, Error as ApiError, CREATE_TOKEN_TAG};
use tfplugin::{Attribute, AttributePath, Block, Diagnostic, NestedBlock, Nesting, Type, Value};

use crate::provider::Shared;

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

/// The timeout for `op` from a state or plan value, else `default`.
pub fn timeout(v: &Value, op: &str, default: Duration) -> Duration {
    v.get("timeouts")
        .and_then(|t| t.get(op))
        .and_then(Value::as_str)
        .and_then(parse_duration)
        .unwrap_or(default)
}

pub fn str_attr<'a>(v: &'a Value, name: &str) -> Option<&'a str> {
    v.get(name).and_then(Value::as_str)
}

pub fn set(v: &mut Value, name: &str, x: impl Into<Value>) {
    if let Some(slot) = v.get_mut(name) {
        *slot = x.into();
    }
}

pub fn string_list(v: &Value) -> Option<Vec<String>> {
    v.as_elements().map(|e| {
        e.iter()
            .filter_map(|x| x.as_str().map(str::to_owned))
            .collect()
    })
}

pub fn list_value(items: &[String]) -> Value {
    Value::List(items.iter().map(|s| Value::from(s.as_str())).collect())
}

pub fn string_map(v: &Value) -> BTreeMap<String, String> {
    v.as_entries()
        .map(|m| {
            m.iter()
                .filter_map(|(k, v)| v.as_str().map(|s| (k.clone(), s.to_owned())))
                .collect()
        })
        .unwrap_or_default()
}

/// Tags as the API wants them (sorted), from a `map(string)` value.
pub fn tags_to_api(v: &Value) -> Vec<Tag> {
    string_map(v)
        .into_iter()
        .map(|(key, value)| Tag { key, value })
        .collect()
}

/// Tags as a `map(string)` value, without our bookkeeping tags; `null`
/// stays null when there are none, so an unset argument never shows a diff.
pub fn tags_from_api(tags: &[Tag], prior: &Value) -> Value {
    let m: BTreeMap<String, Value> = tags
        .iter()
        .filter(|t| t.key != CREATE_TOKEN_TAG)
        .map(|t| (t.key.clone(), Value::from(t.value.as_str())))
        .collect();
    if m.is_empty() && prior.is_null() {
        Value::Null
    } else {
        Value::Map(m)
    }
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
        assert_eq!(tags_from_api(&tags, &Value::Null), Value::Null);
        let tags = vec![Tag {
            key: "env".into(),
            value: "dev".into(),
        }];
        assert_eq!(
            tags_from_api(&tags, &Value::Null)
                .as_entries()
                .map(|m| m.len()),
            Some(1)
        );
    }
}
