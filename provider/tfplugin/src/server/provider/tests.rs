//! Protocol tests for functions and ephemeral resources, calling the
//! `tfplugin6.Provider` service in-process: what Terraform relies on beyond
//! what the conformance tests under real terraform reach (arity, nulls,
//! wrong types, argument positions, private data flow, unknown arguments).

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use super::ProviderService;
use crate::framework::*;
use crate::proto::tfplugin6 as pb;
use crate::proto::tfplugin6::provider_server::Provider as _;
use crate::value::msgpack;
use crate::{Attribute, Block, Diagnostics, Schema, Type, Value};
use async_trait::async_trait;
use tonic::Request;

struct P {
    opens: Arc<AtomicUsize>,
}

#[async_trait]
impl Provider for P {
    fn type_name(&self) -> &str {
        "p"
    }
    fn schema(&self) -> Schema {
        Schema::new(Block::new())
    }
    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        Vec::new()
    }
    fn functions(&self) -> Vec<Arc<dyn Function>> {
        vec![Arc::new(Repeat)]
    }
    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource>> {
        vec![Arc::new(Lease {
            opens: self.opens.clone(),
        })]
    }
    async fn configure(&self, _req: ConfigureRequest) -> Diagnostics {
        Diagnostics::new()
    }
}

/// `repeat(text, times, suffix)`: `suffix` may be null.
struct Repeat;

#[async_trait]
impl Function for Repeat {
    fn name(&self) -> String {
        "repeat".into()
    }
    fn signature(&self) -> Signature {
        Signature::new(Type::String)
            .summary("Repeats text.")
            .parameter(Parameter::string("text"))
            .parameter(Parameter::new("times", Type::Number))
            .parameter(Parameter::string("suffix").allow_null())
    }
    async fn call(&self, req: CallRequest) -> Result<Value, FunctionError> {
        let text = req.string(0)?;
        let times = req.arg(1).as_i64().filter(|n| (0..=10).contains(n));
        let Some(times) = times else {
            return Err(FunctionError::argument(1, "times must be from 0 to 10"));
        };
        let suffix = req.arg(2).as_str().unwrap_or_default();
        Ok(Value::from(format!(
            "{}{suffix}",
            text.repeat(usize::try_from(times).unwrap())
        )))
    }
}

struct Lease {
    opens: Arc<AtomicUsize>,
}

#[async_trait]
impl EphemeralResource for Lease {
    fn type_name(&self) -> String {
        "p_lease".into()
    }
    fn schema(&self) -> Schema {
        Schema::new(
            Block::new()
                .attribute(Attribute::string("name").required().description("Name."))
                .attribute(
                    Attribute::string("token")
                        .computed()
                        .sensitive()
                        .description("Token."),
                ),
        )
    }
    async fn open(&self, req: OpenRequest) -> OpenResponse {
        let n = self.opens.fetch_add(1, Ordering::SeqCst);
        let mut result = req.config.clone();
        *result.get_mut("token").unwrap() = Value::from(format!("t{n}"));
        let mut private = Private::default();
        private.set("lease", &format!("lease-{n}"));
        OpenResponse {
            result,
            private,
            renew_at: Some(SystemTime::UNIX_EPOCH + Duration::from_secs(2_000_000_000)),
            diagnostics: Diagnostics::new(),
        }
    }
    async fn renew(&self, req: RenewRequest) -> RenewResponse {
        let lease: String = req.private.get("lease").unwrap();
        let mut private = Private::default();
        private.set("lease", &format!("{lease}-renewed"));
        RenewResponse {
            private,
            renew_at: None,
            diagnostics: Diagnostics::new(),
        }
    }
    async fn close(&self, req: CloseRequest) -> Diagnostics {
        let lease: String = req.private.get("lease").unwrap_or_default();
        let mut d = Diagnostics::new();
        d.push(crate::Diagnostic::warning("closed", lease));
        d
    }
}

fn service() -> (ProviderService, Arc<AtomicUsize>) {
    let opens = Arc::new(AtomicUsize::new(0));
    (
        ProviderService::new(Arc::new(P {
            opens: opens.clone(),
        })),
        opens,
    )
}

fn dv(v: &Value, ty: &Type) -> pb::DynamicValue {
    pb::DynamicValue {
        msgpack: msgpack::encode(v, ty).unwrap(),
        json: vec![],
    }
}

async fn call(s: &ProviderService, args: Vec<pb::DynamicValue>) -> pb::call_function::Response {
    s.call_function(Request::new(pb::call_function::Request {
        name: "repeat".into(),
        arguments: args,
    }))
    .await
    .unwrap()
    .into_inner()
}

#[tokio::test]
async fn functions_are_declared_and_called_by_type() {
    let (s, _) = service();
    let schema = s.get_provider_schema(Request::new(pb::get_provider_schema::Request {}));
    let schema = schema.await.unwrap().into_inner();
    let f = &schema.functions["repeat"];
    assert_eq!(f.parameters.len(), 3);
    assert_eq!(f.parameters[1].r#type, b"\"number\"");
    assert!(f.parameters[2].allow_null_value && !f.parameters[0].allow_null_value);
    assert_eq!(f.r#return.as_ref().unwrap().r#type, b"\"string\"");
    let listed = s
        .get_functions(Request::new(pb::get_functions::Request {}))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(listed.functions, schema.functions);
    let meta = s
        .get_metadata(Request::new(pb::get_metadata::Request {}))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(meta.functions[0].name, "repeat");
    assert_eq!(meta.ephemeral_resources[0].type_name, "p_lease");

    let ok = call(
        &s,
        vec![
            dv(&Value::from("ab"), &Type::String),
            dv(&Value::from(2), &Type::Number),
            dv(&Value::Null, &Type::String),
        ],
    )
    .await;
    assert!(ok.error.is_none(), "{:?}", ok.error);
    let result = msgpack::decode(&ok.result.unwrap().msgpack, &Type::String).unwrap();
    assert_eq!(result, Value::from("abab"));
}

#[tokio::test]
async fn function_errors_point_at_the_argument() {
    let (s, _) = service();
    let s_ = |v: &str| dv(&Value::from(v), &Type::String);
    let n = |v: i64| dv(&Value::from(v), &Type::Number);

    // The function's own error, at the argument it names.
    let e = call(&s, vec![s_("a"), n(11), s_("")]).await.error.unwrap();
    assert_eq!(e.function_argument, Some(1));
    assert_eq!(e.text, "times must be from 0 to 10");

    // Null where the parameter refuses it.
    let e = call(&s, vec![dv(&Value::Null, &Type::String), n(1), s_("")])
        .await
        .error
        .unwrap();
    assert_eq!(e.function_argument, Some(0));

    // A value that does not decode as the parameter's type.
    let e = call(&s, vec![s_("a"), s_("x"), s_("")])
        .await
        .error
        .unwrap();
    assert_eq!(e.function_argument, Some(1));

    // Wrong arity and unknown names: errors about the call, no position.
    let e = call(&s, vec![s_("a")]).await.error.unwrap();
    assert_eq!(e.function_argument, None);
    assert!(
        e.text.contains("takes 3 argument(s), but 1 were given"),
        "{}",
        e.text
    );
    let e = s
        .call_function(Request::new(pb::call_function::Request {
            name: "nope".into(),
            arguments: vec![],
        }))
        .await
        .unwrap()
        .into_inner()
        .error
        .unwrap();
    assert!(e.text.contains("no function named \"nope\""));
}

fn lease_ty() -> Type {
    Type::object([("name", Type::String), ("token", Type::String)])
}

/// Opens a `p_lease` of `config`.
async fn open_lease(s: &ProviderService, config: &Value) -> pb::open_ephemeral_resource::Response {
    s.open_ephemeral_resource(Request::new(pb::open_ephemeral_resource::Request {
        type_name: "p_lease".into(),
        config: Some(dv(config, &lease_ty())),
        client_capabilities: None,
    }))
    .await
    .unwrap()
    .into_inner()
}

#[tokio::test]
async fn ephemeral_private_data_flows_from_open_to_renew_and_close() {
    let (s, opens) = service();
    let config = Value::object([("name", Value::from("x")), ("token", Value::Null)]);
    let open = open_lease(&s, &config).await;
    assert!(open.diagnostics.is_empty(), "{:?}", open.diagnostics);
    assert_eq!(open.renew_at.unwrap().seconds, 2_000_000_000);
    let result = msgpack::decode(&open.result.unwrap().msgpack, &lease_ty()).unwrap();
    assert_eq!(result.get("token"), Some(&Value::from("t0")));
    let private = open.private.unwrap();

    let renewed = s
        .renew_ephemeral_resource(Request::new(pb::renew_ephemeral_resource::Request {
            type_name: "p_lease".into(),
            private: Some(private.clone()),
        }))
        .await
        .unwrap()
        .into_inner();
    assert!(renewed.renew_at.is_none(), "no further renewal asked for");
    let renewed_private = Private::from_bytes(&renewed.private.unwrap());
    assert_eq!(
        renewed_private.get::<String>("lease").as_deref(),
        Some("lease-0-renewed")
    );

    let closed = s
        .close_ephemeral_resource(Request::new(pb::close_ephemeral_resource::Request {
            type_name: "p_lease".into(),
            private: Some(private),
        }))
        .await
        .unwrap()
        .into_inner();
    assert_eq!(closed.diagnostics[0].detail, "lease-0");
    assert_eq!(opens.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn ephemeral_with_unknown_arguments_is_not_opened() {
    let (s, opens) = service();
    let config = Value::object([("name", Value::unknown()), ("token", Value::Null)]);
    let open = open_lease(&s, &config).await;
    assert!(open.diagnostics.is_empty());
    assert!(open.private.is_none() && open.renew_at.is_none());
    let result = msgpack::decode(&open.result.unwrap().msgpack, &lease_ty()).unwrap();
    assert!(result.get("token").unwrap().is_unknown());
    assert_eq!(opens.load(Ordering::SeqCst), 0);

    // Unknown types are diagnostics, on every RPC.
    let v = s
        .validate_ephemeral_resource_config(Request::new(
            pb::validate_ephemeral_resource_config::Request {
                type_name: "p_other".into(),
                config: None,
            },
        ))
        .await
        .unwrap()
        .into_inner();
    assert!(v.diagnostics[0].detail.contains("p_other"));
}
