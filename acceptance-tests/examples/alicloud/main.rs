//! `terraform-provider-alicloud` stand-in: serves the schemas of alicloud's
//! ACK resources (`alicloud_cs_managed_kubernetes`, `alicloud_cs_kubernetes`,
//! `alicloud_cs_kubernetes_node_pool`, `alicloud_cs_kubernetes_addon`) so
//! that Terraform can load a state written by the real aliyun/alicloud and
//! move it to this project's resources with `moved` blocks. It manages
//! nothing: every create, update and delete is refused, reads keep the
//! state as it is. Registered as `aliyun/alicloud` through `dev_overrides`
//! by the migration tests.

mod schema;

use std::sync::Arc;

use async_trait::async_trait;
use tfplugin::framework::*;
use tfplugin::{Block, Diagnostic, Diagnostics, Schema};

const ADDRESS: &str = "registry.terraform.io/aliyun/alicloud";

struct Alicloud;

/// Builds one resource type's schema.
type SchemaFn = fn() -> Schema;

#[async_trait]
impl Provider for Alicloud {
    fn type_name(&self) -> &str {
        "alicloud"
    }

    fn schema(&self) -> Schema {
        Schema::new(Block::new())
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        let kinds: [(&str, SchemaFn); 4] = [
            ("alicloud_cs_managed_kubernetes", schema::cluster),
            ("alicloud_cs_kubernetes", schema::cluster),
            ("alicloud_cs_kubernetes_node_pool", schema::node_pool),
            ("alicloud_cs_kubernetes_addon", schema::addon),
        ];
        kinds
            .into_iter()
            .map(|(name, schema)| Arc::new(StandIn { name, schema }) as Arc<dyn Resource>)
            .collect()
    }

    async fn configure(&self, _req: ConfigureRequest) -> Diagnostics {
        Diagnostics::new()
    }
}

struct StandIn {
    name: &'static str,
    schema: SchemaFn,
}

impl StandIn {
    fn refused(&self) -> Diagnostic {
        Diagnostic::error(
            "Stand-in provider",
            format!(
                "This test stand-in for aliyun/alicloud cannot change {}.",
                self.name
            ),
        )
    }
}

#[async_trait]
impl Resource for StandIn {
    fn type_name(&self) -> String {
        self.name.into()
    }

    fn schema(&self) -> Schema {
        (self.schema)()
    }

    async fn create(&self, _req: CreateRequest) -> ApplyResponse {
        ApplyResponse::error(self.refused())
    }

    async fn read(&self, req: ReadRequest) -> ReadResponse {
        ReadResponse::unchanged(req)
    }

    async fn update(&self, _req: UpdateRequest) -> ApplyResponse {
        ApplyResponse::error(self.refused())
    }

    async fn delete(&self, _req: DeleteRequest) -> Diagnostics {
        self.refused().into()
    }
}

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let opts = tfplugin::server::ServeOptions {
        provider_address: ADDRESS.into(),
        debug: std::env::args().any(|a| a == "--debug"),
    };
    match tfplugin::server::serve(Arc::new(Alicloud), opts).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            std::process::ExitCode::FAILURE
        }
    }
}
