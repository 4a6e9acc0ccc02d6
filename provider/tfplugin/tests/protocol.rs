//! Protocol tests: a tonic client talks to the server in-process (port 0,
//! plaintext) and checks what Terraform relies on, without terraform.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;
use std::time::{Duration, Instant};

use async_trait::async_trait;
use tfplugin::__private::msgpack;
use tfplugin::__private::proto::plugin as plugin_pb;
use tfplugin::__private::proto::tfplugin6 as pb;
use tfplugin::framework::*;
use tfplugin::{Attribute, Block, Diagnostics, Schema, Type, Value};
use tokio::sync::watch;

struct Slow;

#[async_trait]
impl Provider for Slow {
    fn type_name(&self) -> &str {
        "slow"
    }
    fn schema(&self) -> Schema {
        Schema::new(
            Block::new().attribute(
                Attribute::string("endpoint")
                    .optional()
                    .description("Endpoint."),
            ),
        )
    }
    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![Arc::new(SlowThing)]
    }
    async fn configure(&self, _req: ConfigureRequest) -> Diagnostics {
        Diagnostics::new()
    }
}

struct SlowThing;

fn thing_schema() -> Schema {
    Schema::new(
        Block::new()
            .attribute(Attribute::string("id").computed().description("ID."))
            .attribute(
                Attribute::string("blob")
                    .optional()
                    .description("Payload of any size."),
            ),
    )
}

#[async_trait]
impl Resource for SlowThing {
    fn type_name(&self) -> String {
        "slow_thing".into()
    }
    fn schema(&self) -> Schema {
        thing_schema()
    }
    async fn create(&self, req: CreateRequest) -> ApplyResponse {
        let mut state = req.plan;
        if let Some(id) = state.get_mut("id") {
            *id = Value::from("1");
        }
        ApplyResponse::ok(state, req.private)
    }
    /// Hangs until Terraform stops the provider.
    async fn read(&self, req: ReadRequest) -> ReadResponse {
        req.ctx.cancel.cancelled().await;
        ReadResponse {
            state: req.state,
            ..Default::default()
        }
    }
    async fn update(&self, req: UpdateRequest) -> ApplyResponse {
        ApplyResponse::ok(req.plan, req.private)
    }
    async fn delete(&self, _req: DeleteRequest) -> Diagnostics {
        Diagnostics::new()
    }
}

struct Server {
    addr: std::net::SocketAddr,
    shutdown: watch::Sender<bool>,
    task: tokio::task::JoinHandle<()>,
}

async fn start() -> Server {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, _rx) = watch::channel(false);
    let tx2 = tx.clone();
    let task = tokio::spawn(async move {
        tfplugin::server::run(Arc::new(Slow), listener, None, tx2, std::future::pending())
            .await
            .unwrap();
    });
    Server {
        addr,
        shutdown: tx,
        task,
    }
}

async fn client(
    addr: std::net::SocketAddr,
) -> pb::provider_client::ProviderClient<tonic::transport::Channel> {
    let ch = tonic::transport::Endpoint::from_shared(format!("http://{addr}"))
        .unwrap()
        .connect()
        .await
        .unwrap();
    pb::provider_client::ProviderClient::new(ch)
        .max_decoding_message_size(usize::MAX)
        .max_encoding_message_size(usize::MAX)
}

/// The answer to a call that must succeed.
async fn answer<T>(
    call: impl std::future::Future<Output = Result<tonic::Response<T>, tonic::Status>>,
) -> T {
    call.await.unwrap().into_inner()
}

fn dv(v: &Value, ty: &Type) -> Option<pb::DynamicValue> {
    Some(pb::DynamicValue {
        msgpack: msgpack::encode(v, ty).unwrap(),
        json: vec![],
    })
}

#[tokio::test]
async fn schema_is_well_formed() {
    let s = start().await;
    let mut c = client(s.addr).await;
    let r = answer(c.get_provider_schema(pb::get_provider_schema::Request {})).await;
    let provider = r.provider.unwrap();
    assert!(
        provider.block.is_some(),
        "provider schema always has a block"
    );
    let caps = r.server_capabilities.unwrap();
    assert!(caps.plan_destroy && caps.get_provider_schema_optional && caps.move_resource_state);
    for (name, schema) in r.resource_schemas {
        for a in schema.block.unwrap().attributes {
            assert!(
                a.r#type.is_empty() != a.nested_type.is_none(),
                "{name}.{}: exactly one of type/nested_type",
                a.name
            );
            Type::from_json_bytes(&a.r#type).unwrap();
        }
    }
}

#[tokio::test]
async fn unknown_types_get_diagnostics_not_errors() {
    let s = start().await;
    let mut c = client(s.addr).await;
    let r = answer(c.plan_resource_change(pb::plan_resource_change::Request {
        type_name: "slow_nope".into(),
        ..Default::default()
    }))
    .await;
    assert_eq!(
        r.diagnostics[0].severity,
        pb::diagnostic::Severity::Error as i32
    );
    assert!(r.diagnostics[0].detail.contains("slow_nope"));
    let r = answer(c.read_data_source(pb::read_data_source::Request {
        type_name: "slow_nope".into(),
        ..Default::default()
    }))
    .await;
    assert_eq!(r.diagnostics.len(), 1);
    let r = answer(
        c.open_ephemeral_resource(pb::open_ephemeral_resource::Request {
            type_name: "slow_e".into(),
            ..Default::default()
        }),
    )
    .await;
    assert_eq!(r.diagnostics.len(), 1);
    let r = answer(c.call_function(pb::call_function::Request {
        name: "f".into(),
        arguments: vec![],
    }))
    .await;
    assert!(r.error.is_some());
    let r = answer(c.get_functions(pb::get_functions::Request {})).await;
    assert!(r.functions.is_empty());
    let r = answer(c.get_metadata(pb::get_metadata::Request {})).await;
    assert_eq!(r.resources[0].type_name, "slow_thing");
    // Garbage msgpack: a diagnostic, never a panic.
    let r = answer(
        c.validate_resource_config(pb::validate_resource_config::Request {
            type_name: "slow_thing".into(),
            config: Some(pb::DynamicValue {
                msgpack: vec![0xc1, 0xff],
                json: vec![],
            }),
            client_capabilities: None,
        }),
    )
    .await;
    assert!(r.diagnostics[0].summary.contains("Could not read"));
}

#[tokio::test]
async fn messages_over_four_mebibytes_are_accepted() {
    let s = start().await;
    let mut c = client(s.addr).await;
    let ty = thing_schema().ty();
    let big = "x".repeat(6 << 20);
    let config = Value::object([("id", Value::Null), ("blob", Value::from(big.clone()))]);
    let r = answer(c.plan_resource_change(pb::plan_resource_change::Request {
        type_name: "slow_thing".into(),
        prior_state: dv(&Value::Null, &ty),
        proposed_new_state: dv(&config, &ty),
        config: dv(&config, &ty),
        ..Default::default()
    }))
    .await;
    assert!(r.diagnostics.is_empty(), "{:?}", r.diagnostics);
    let planned = msgpack::decode(&r.planned_state.unwrap().msgpack, &ty).unwrap();
    assert!(
        planned.get("id").unwrap().is_unknown(),
        "computed attribute planned unknown on create"
    );
    assert_eq!(
        planned.get("blob").unwrap().as_str().map(str::len),
        Some(big.len())
    );
}

#[tokio::test]
async fn requests_over_the_limit_are_refused_unread() {
    let s = start().await;
    let mut c = client(s.addr).await;
    // Just over the limit: refused from the length in the gRPC frame header,
    // before the body is buffered or decoded.
    let blob = vec![0xc0; tfplugin::server::MAX_DECODING_MESSAGE_SIZE + 1];
    let err = c
        .validate_provider_config(pb::validate_provider_config::Request {
            config: Some(pb::DynamicValue {
                msgpack: blob,
                json: vec![],
            }),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(
            err.code(),
            tonic::Code::OutOfRange | tonic::Code::ResourceExhausted
        ),
        "{err:?}"
    );
    assert!(err.message().contains("too large"), "{err:?}");
    // The server is still serving.
    c.get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .unwrap();
}

#[tokio::test]
async fn stop_provider_cancels_in_flight_work() {
    let s = start().await;
    let mut c = client(s.addr).await;
    let ty = thing_schema().ty();
    let state = Value::object([("id", Value::from("1")), ("blob", Value::Null)]);
    let mut reader = c.clone();
    let read = tokio::spawn(async move {
        reader
            .read_resource(pb::read_resource::Request {
                type_name: "slow_thing".into(),
                current_state: dv(&state, &ty),
                ..Default::default()
            })
            .await
            .unwrap()
            .into_inner()
    });
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert!(!read.is_finished(), "the read hangs until stopped");
    let started = Instant::now();
    let r = answer(c.stop_provider(pb::stop_provider::Request {})).await;
    assert!(r.error.is_empty());
    let resp = tokio::time::timeout(Duration::from_secs(5), read)
        .await
        .unwrap()
        .unwrap();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(resp.new_state.is_some(), "state is kept when cancelled");
}

#[tokio::test]
async fn controller_shutdown_stops_the_server() {
    let s = start().await;
    let ch = tonic::transport::Endpoint::from_shared(format!("http://{}", s.addr))
        .unwrap()
        .connect()
        .await
        .unwrap();
    let mut ctl = plugin_pb::grpc_controller_client::GrpcControllerClient::new(ch.clone());
    ctl.shutdown(plugin_pb::Empty {}).await.unwrap();
    drop(ctl);
    drop(ch);
    tokio::time::timeout(Duration::from_secs(5), s.task)
        .await
        .expect("server stops after Shutdown")
        .unwrap();
    assert!(*s.shutdown.borrow());
}
