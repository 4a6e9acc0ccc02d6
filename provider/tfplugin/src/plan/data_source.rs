//! The framework side of the data-source RPCs, over decoded values.

use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use super::entry::Entry;
use super::resource::until_stopped;
use super::returned_object;
use crate::diag::{Diagnostic, Diagnostics};
use crate::framework::{Ctx, DataSource, ReadDataRequest};
use crate::value::Value;

/// A data source type with its schema and the schema's value type.
pub(crate) type DataSourceEntry = Entry<dyn DataSource>;

impl DataSourceEntry {
    pub(crate) fn new(data_source: Arc<dyn DataSource>) -> (String, DataSourceEntry) {
        Entry::named(data_source.type_name(), data_source.schema(), data_source)
    }

    /// Reads the data source; an error or no object fails the read with the
    /// diagnostics gathered so far.
    pub(crate) async fn read(
        &self,
        ctx: Ctx,
        stop: &CancellationToken,
        config: Value,
    ) -> Result<(Value, Diagnostics), Diagnostics> {
        let call = self.inner.read(ReadDataRequest { ctx, config });
        let r = until_stopped(stop, call).await?;
        let nothing = Diagnostic::error(
            "Data source returned nothing",
            "This is a bug in the provider; please report it.",
        );
        returned_object(&self.schema, r.state, r.diagnostics, nothing, "reading")
    }
}
