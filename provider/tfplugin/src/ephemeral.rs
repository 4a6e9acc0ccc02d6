//! Ephemeral resources (protocol 6.7, Terraform 1.10+): values that exist
//! only while a plan or apply runs — credentials, tokens, leases. Terraform
//! opens them when something needs their value, renews them at the time the
//! provider asks for, closes them when their users are done, and never
//! writes their values to state or plan files.
//!
//! Life cycle: [`EphemeralResource::open`] returns the value, provider-private
//! data and an optional renewal time; [`EphemeralResource::renew`] runs at
//! that time with the private data (and may ask for another renewal);
//! [`EphemeralResource::close`] runs once at the end with the private data
//! `open` returned. The value itself cannot change after `open`.

use std::time::SystemTime;

use async_trait::async_trait;

use crate::diag::Diagnostics;
use crate::framework::{Ctx, Private, ValidateRequest};
use crate::schema::Schema;
use crate::value::Value;

/// An ephemeral resource type.
#[async_trait]
pub trait EphemeralResource: Send + Sync {
    /// Full type name, e.g. `ack_cluster_kubeconfig`.
    fn type_name(&self) -> String;
    /// Arguments are required/optional attributes, results computed ones.
    fn schema(&self) -> Schema;

    /// Cross-attribute checks on the configuration (may hold unknowns).
    async fn validate(&self, _req: &ValidateRequest) -> Diagnostics {
        Diagnostics::new()
    }

    /// Produces the value. The configuration is wholly known: with unknown
    /// arguments (a plan that depends on objects not created yet) the
    /// framework answers with unknown results itself. A result may still
    /// leave computed attributes unknown when the provider can tell that
    /// the object it reads is only planned.
    async fn open(&self, req: OpenRequest) -> OpenResponse;

    /// Keeps the value usable (extends a lease). The default does nothing
    /// and asks for no further renewal.
    async fn renew(&self, _req: RenewRequest) -> RenewResponse {
        RenewResponse::default()
    }

    /// Releases what `open` acquired.
    async fn close(&self, _req: CloseRequest) -> Diagnostics {
        Diagnostics::new()
    }
}

#[derive(Debug)]
pub struct OpenRequest {
    pub ctx: Ctx,
    pub config: Value,
}

#[derive(Debug, Default)]
pub struct OpenResponse {
    /// The configuration with computed attributes filled in.
    pub result: Value,
    /// Handed to `renew` and `close`; never shown to the user.
    pub private: Private,
    /// When Terraform should call `renew`; `None`: never.
    pub renew_at: Option<SystemTime>,
    pub diagnostics: Diagnostics,
}

impl OpenResponse {
    pub fn error(d: impl Into<Diagnostics>) -> OpenResponse {
        OpenResponse {
            diagnostics: d.into(),
            ..OpenResponse::default()
        }
    }
}

#[derive(Debug)]
pub struct RenewRequest {
    pub ctx: Ctx,
    /// What `open` (or the previous `renew`) returned.
    pub private: Private,
}

#[derive(Debug, Default)]
pub struct RenewResponse {
    /// Handed to the next `renew`.
    pub private: Private,
    /// When to renew again; `None`: no further renewal.
    pub renew_at: Option<SystemTime>,
    pub diagnostics: Diagnostics,
}

#[derive(Debug)]
pub struct CloseRequest {
    pub ctx: Ctx,
    /// What `open` returned.
    pub private: Private,
}
