//! Shared helpers for the acceptance tests: a terraform working directory
//! wired to the freshly built `terraform-provider-ack`.

use tfplugin::testing::{cargo_artifact, skip_requested, ProviderSource, WorkDir};

/// The provider's source address in configurations.
pub const SOURCE: &str = "acklabs/ack";

/// The `terraform { required_providers { … } }` block every test config starts with.
pub const REQUIRED_PROVIDERS: &str =
    "terraform {\n  required_providers {\n    ack = {\n      source = \"acklabs/ack\"\n    }\n  }\n}\n";

/// A working directory whose terraform runs the built provider through
/// `dev_overrides`; `None` when acceptance tests are skipped on purpose.
pub fn workdir() -> Option<WorkDir> {
    if skip_requested() {
        eprintln!("skipped: ACK_SKIP_ACCEPTANCE=1");
        return None;
    }
    let binary = cargo_artifact("terraform-provider-ack");
    Some(WorkDir::new(&ProviderSource::DevOverride {
        address: SOURCE.into(),
        binary,
    }))
}
