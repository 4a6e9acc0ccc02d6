//! A type the provider serves (a resource, a data source, an ephemeral
//! resource) kept with its schema and the schema's value type, which every
//! RPC for that type decodes by.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::diag::Diagnostics;
use crate::ephemeral::EphemeralResource;
use crate::framework::{DataSource, Resource, ValidateRequest};
use crate::schema::Schema;
use crate::types::Type;
use crate::value::Value;

/// The future of a type's own checks.
type Checks<'a> = Pin<Box<dyn Future<Output = Diagnostics> + Send + 'a>>;

/// A served type's own checks of a configuration: its trait's `validate`.
pub(crate) trait OwnChecks {
    fn own_checks<'a>(&'a self, req: &'a ValidateRequest) -> Checks<'a>;
}

impl OwnChecks for dyn Resource {
    fn own_checks<'a>(&'a self, req: &'a ValidateRequest) -> Checks<'a> {
        self.validate(req)
    }
}

impl OwnChecks for dyn DataSource {
    fn own_checks<'a>(&'a self, req: &'a ValidateRequest) -> Checks<'a> {
        self.validate(req)
    }
}

impl OwnChecks for dyn EphemeralResource {
    fn own_checks<'a>(&'a self, req: &'a ValidateRequest) -> Checks<'a> {
        self.validate(req)
    }
}

/// A served type with its schema and the schema's value type.
pub(crate) struct Entry<T: ?Sized> {
    /// The provider's implementation of the type.
    pub(crate) inner: Arc<T>,
    pub(crate) schema: Schema,
    pub(crate) ty: Type,
}

impl<T: ?Sized> Entry<T> {
    /// The entry of `inner` under its type name.
    pub(crate) fn named(name: String, schema: Schema, inner: Arc<T>) -> (String, Entry<T>) {
        let ty = schema.ty();
        (name, Entry { inner, schema, ty })
    }
}

impl<T: ?Sized + OwnChecks> Entry<T> {
    /// The schema's validators, then the type's own checks.
    pub(crate) async fn validate(&self, config: Value) -> Diagnostics {
        super::validate_config(&self.schema.block, config, |req| async move {
            self.inner.own_checks(&req).await
        })
        .await
    }
}
