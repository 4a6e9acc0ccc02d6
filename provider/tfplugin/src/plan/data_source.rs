//! The framework side of the data-source RPCs, over decoded values.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::finish_state;
use super::resource::until_stopped;
use crate::diag::Diagnostics;
use crate::framework::{Ctx, DataSource, ReadDataRequest};
use crate::schema::Schema;
use crate::types::Type;
use crate::value::Value;

/// A data source type with its schema and the schema's value type.
pub(crate) struct DataSourceEntry {
    pub(crate) data_source: Arc<dyn DataSource>,
    pub(crate) schema: Schema,
    pub(crate) ty: Type,
}

impl DataSourceEntry {
    pub(crate) fn new(data_source: Arc<dyn DataSource>) -> (String, DataSourceEntry) {
        let schema = data_source.schema();
        let ty = schema.ty();
        let name = data_source.type_name();
        (
            name,
            DataSourceEntry {
                data_source,
                schema,
                ty,
            },
        )
    }

    /// The schema's validators, then the data source's own checks.
    pub(crate) async fn validate(&self, config: Value) -> Diagnostics {
        super::validate_config(&self.schema.block, config, |req| async move {
            self.data_source.validate(&req).await
        })
        .await
    }

    /// Reads the data source; an error or no object fails the read with the
    /// diagnostics gathered so far.
    pub(crate) async fn read(
        &self,
        ctx: Ctx,
        stop: &CancellationToken,
        config: Value,
    ) -> Result<(Value, Diagnostics), Diagnostics> {
        let call = self.data_source.read(ReadDataRequest { ctx, config });
        let r = until_stopped(stop, call).await?;
        let mut d = r.diagnostics;
        if d.has_errors() {
            return Err(d);
        }
        let mut state = r.state;
        if state.is_null() {
            d.error(
                "Data source returned nothing",
                "This is a bug in the provider; please report it.",
            );
            return Err(d);
        }
        finish_state(&self.schema, &mut state, &mut d, "reading");
        Ok((state, d))
    }
}
