//! Terraform plugin protocol 6 for Rust.
//!
//! - [`value`], [`types`]: Terraform values and types with their msgpack and
//!   JSON codecs (unknowns with refinements, arbitrary-precision numbers,
//!   dynamic values).
//! - [`schema`], [`modifiers`], [`validators`]: schemas with descriptions,
//!   defaults, plan modifiers and validators.
//! - [`framework`]: the provider, resource and data-source traits;
//!   [`ephemeral`] resources and provider-defined [`function`]s.
//! - [`server`]: the go-plugin handshake, AutoMTLS and the gRPC services.
//! - [`logging`]: hclog JSON logs on stderr, as Terraform expects.
//!
//! The generated protocol types, the msgpack wire codec and the planning
//! engine are internal: providers built on this crate never need them.
//!
//! It knows nothing of ACK or any other provider, and depends on no crate
//! of this workspace; the test harness that drives a real terraform binary
//! is the dev-only crate `tfplugin-testing`.

pub mod diag;
pub mod ephemeral;
pub mod framework;
pub mod function;
pub mod logging;
pub mod modifiers;
pub mod path;
mod plan;
pub mod schema;
pub mod schema_json;
pub mod server;
pub mod types;
pub mod validators;
pub mod value;

/// Generated protocol types (tfplugin6 and go-plugin's side services).
#[allow(clippy::all, missing_docs, rust_2018_idioms)]
mod proto {
    pub mod tfplugin6 {
        tonic::include_proto!("tfplugin6");
    }
    pub mod plugin {
        tonic::include_proto!("plugin");
    }
}

pub use diag::{Diagnostic, Diagnostics};
pub use framework::*;
pub use path::AttributePath;
pub use plan::strip_unknowns;
pub use schema::{Attribute, Block, NestedBlock, Nesting, Schema};
pub use types::Type;
pub use value::{Number, Value};

/// Internals for this crate's own integration tests, benchmarks and the
/// workspace's protocol-level acceptance tests (which speak tfplugin6 to
/// the provider directly). Not a stable API: providers never need it.
#[doc(hidden)]
pub mod __private {
    /// The generated protocol types.
    pub mod proto {
        pub use crate::proto::{plugin, tfplugin6};
    }
    /// The msgpack wire codec.
    pub mod msgpack {
        pub use crate::value::msgpack::{decode, encode, infer_type};
    }
}
