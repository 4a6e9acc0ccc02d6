//! Provider-defined functions answering from the edition catalog and the
//! Kubernetes version rules in `ack-api`: `provider::ack::edition(name)`,
//! `provider::ack::supports(edition, feature)` and
//! `provider::ack::upgrade_path(from, to)`. They need no provider
//! configuration and make no network call, so modules can use them in
//! variable validation, preconditions and outputs with the same rules the
//! provider enforces at plan time.

use std::sync::Arc;

use ack_api::edition::{self, Edition, Feature};
use ack_api::versions::{self, UpgradeError};
use async_trait::async_trait;
use tfplugin::framework::{CallRequest, Function, FunctionError, Parameter, Signature};
use tfplugin::{Type, Value};

use crate::data_sources::editions::{edition_type, edition_value};

/// Every function the provider offers.
pub fn all() -> Vec<Arc<dyn Function>> {
    vec![
        Arc::new(EditionFunction),
        Arc::new(SupportsFunction),
        Arc::new(UpgradePathFunction),
    ]
}

fn quoted(items: impl IntoIterator<Item = &'static str>) -> String {
    items
        .into_iter()
        .map(|s| format!("{s:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn edition_arg(req: &CallRequest, index: usize) -> Result<&'static Edition, FunctionError> {
    let name = req.string(index)?;
    edition::by_name(name).ok_or_else(|| {
        FunctionError::argument(
            index,
            format!(
                "{name:?} is not an ACK edition; use one of {}",
                quoted(edition::names())
            ),
        )
    })
}

fn edition_names_md() -> String {
    edition::names()
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `provider::ack::edition(name)`.
pub struct EditionFunction;

#[async_trait]
impl Function for EditionFunction {
    fn name(&self) -> String {
        "edition".into()
    }

    fn signature(&self) -> Signature {
        Signature::new(edition_type())
            .summary("What an ACK edition offers: SLA, compensation, node limits and features.")
            .description(format!(
                "Returns the edition catalog's row for `name` as an object: `name`, `display_name`, `cluster_spec`, \
                 `max_nodes` (node limit of clusters created now), `legacy_max_nodes`, `sla`, `sla_compensation`, \
                 `api_server_autoscaling`, `api_server_availability_monitoring`, `etcd_disk_encryption`, \
                 `security_management` (`professional` includes cluster inspection), `control_plane_metrics`, \
                 `cgpu_editions`, `features` (IDs among {}) and `upgrade_to` (the edition it \
                 can be upgraded to in place, or null). The same table the provider's plan-time checks use; no \
                 provider configuration or API call is needed. An unknown name is an error at the argument.",
                Feature::ALL.map(|f| format!("`{}`", f.id())).join(", ")
            ))
            .parameter(
                Parameter::string("name")
                    .description(format!("Edition name: one of {}.", edition_names_md())),
            )
    }

    async fn call(&self, req: CallRequest) -> Result<Value, FunctionError> {
        Ok(edition_value(edition_arg(&req, 0)?))
    }
}

/// `provider::ack::supports(edition, feature)`.
pub struct SupportsFunction;

#[async_trait]
impl Function for SupportsFunction {
    fn name(&self) -> String {
        "supports".into()
    }

    fn signature(&self) -> Signature {
        Signature::new(Type::Bool)
            .summary("Whether an ACK edition offers a feature.")
            .description(
                "True when `edition` offers `feature`, by the edition catalog the provider's plan-time tier checks \
                 use. An unknown edition or feature is an error at that argument, listing the accepted values.",
            )
            .parameter(
                Parameter::string("edition")
                    .description(format!("Edition name: one of {}.", edition_names_md())),
            )
            .parameter(Parameter::string("feature").description(format!(
                "Feature ID: one of {}.",
                Feature::ALL.map(|f| format!("`{}`", f.id())).join(", ")
            )))
    }

    async fn call(&self, req: CallRequest) -> Result<Value, FunctionError> {
        let ed = edition_arg(&req, 0)?;
        let id = req.string(1)?;
        let feature = Feature::from_id(id).ok_or_else(|| {
            FunctionError::argument(
                1,
                format!(
                    "{id:?} is not a feature of the edition catalog; use one of {}",
                    quoted(Feature::ALL.map(Feature::id))
                ),
            )
        })?;
        Ok(Value::from(ed.has(feature)))
    }
}

/// `provider::ack::upgrade_path(from, to)`.
pub struct UpgradePathFunction;

#[async_trait]
impl Function for UpgradePathFunction {
    fn name(&self) -> String {
        "upgrade_path".into()
    }

    fn signature(&self) -> Signature {
        Signature::new(Type::list(Type::String))
            .summary("The Kubernetes versions an in-place upgrade steps through.")
            .description(format!(
                "Returns the versions to set `kubernetes_version` to, one apply each, to go from `from` to `to`: one \
                 minor version at a time (the newest offered patch of each intermediate minor), ending with `to`. \
                 Empty when both are equal. A downgrade, or a target the service does not offer, is an error naming \
                 why, at the offending argument. Offered versions: {}.",
                versions::SUPPORTED.map(|v| format!("`{v}`")).join(", ")
            ))
            .parameter(
                Parameter::string("from")
                    .description("The cluster's current version, e.g. `1.28.15-aliyun.1`."),
            )
            .parameter(
                Parameter::string("to")
                    .description("The version to reach; must be one the service offers."),
            )
    }

    async fn call(&self, req: CallRequest) -> Result<Value, FunctionError> {
        let from = req.string(0)?;
        let to = req.string(1)?;
        match versions::upgrade_path(from, to) {
            Ok(path) => Ok(Value::List(path.into_iter().map(Value::from).collect())),
            Err(e) => {
                let arg = match &e {
                    UpgradeError::Unsupported(v) if v == from && from != to => 0,
                    _ => 1,
                };
                Err(FunctionError::argument(arg, e.to_string()))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn call(f: &dyn Function, args: &[&str]) -> Result<Value, FunctionError> {
        let req = CallRequest {
            arguments: args.iter().map(|a| Value::from(*a)).collect(),
        };
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(f.call(req))
    }

    #[test]
    fn edition_rows_come_from_the_catalog() {
        let pro = call(&EditionFunction, &["pro"]).unwrap();
        assert_eq!(pro.get("sla").and_then(Value::as_str), Some("99.95%"));
        assert_eq!(pro.get("max_nodes").and_then(Value::as_i64), Some(5000));
        assert_eq!(
            pro.get("sla_compensation").and_then(Value::as_bool),
            Some(true)
        );
        let e = call(&EditionFunction, &["premium"]).unwrap_err();
        assert_eq!(e.argument, Some(0));
        assert!(e.message.contains(r#""standard", "pro""#), "{e}");
    }

    #[test]
    fn supports_follows_the_catalog_and_names_bad_arguments() {
        for f in Feature::ALL {
            for ed in edition::all() {
                assert_eq!(
                    call(&SupportsFunction, &[ed.name, f.id()]).unwrap(),
                    Value::from(ed.has(f))
                );
            }
        }
        assert_eq!(
            call(&SupportsFunction, &["std", "gang_scheduling"])
                .unwrap_err()
                .argument,
            Some(0)
        );
        let e = call(&SupportsFunction, &["pro", "gang"]).unwrap_err();
        assert_eq!(e.argument, Some(1));
        assert!(e.message.contains("gang_scheduling"), "{e}");
    }

    #[test]
    fn upgrade_path_errors_point_at_the_argument() {
        let path = call(
            &UpgradePathFunction,
            &["1.28.15-aliyun.1", "1.31.1-aliyun.1"],
        )
        .unwrap();
        assert_eq!(
            path,
            Value::List(vec![
                Value::from("1.30.7-aliyun.1"),
                Value::from("1.31.1-aliyun.1")
            ])
        );
        let down = call(
            &UpgradePathFunction,
            &["1.31.1-aliyun.1", "1.28.15-aliyun.1"],
        )
        .unwrap_err();
        assert_eq!(down.argument, Some(1));
        assert!(down.message.contains("cannot be downgraded"), "{down}");
        let bad_from = call(&UpgradePathFunction, &["v1", "1.31.1-aliyun.1"]).unwrap_err();
        assert_eq!(bad_from.argument, Some(0));
        let bad_to = call(&UpgradePathFunction, &["1.28.15-aliyun.1", "2.0.0"]).unwrap_err();
        assert_eq!(bad_to.argument, Some(1));
    }
}
