//! The conformance provider under a real terraform: where its binary is,
//! working directories that point Terraform at it, and its file store.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use tfplugin_testing::{cargo_artifact, ProviderSource, WorkDir};

pub const ADDRESS: &str = "example/conformance";

/// The workspace's switch for skipping the tests that need terraform (README).
pub const SKIP_ENV: &str = "ACK_SKIP_ACCEPTANCE";

pub fn skip_requested() -> bool {
    tfplugin_testing::skip_requested(SKIP_ENV)
}

pub fn binary() -> std::path::PathBuf {
    cargo_artifact("terraform-provider-conformance")
}

pub fn header(dir: &WorkDir) -> String {
    format!(
        "terraform {{\n  required_providers {{\n    conformance = {{ source = \"{ADDRESS}\" }}\n  }}\n}}\n\
         provider \"conformance\" {{\n  store_dir = \"{}\"\n}}\n",
        dir.path().join("store").display()
    )
}

pub fn workdir() -> Option<WorkDir> {
    if skip_requested() {
        eprintln!("skipped: {SKIP_ENV}=1");
        return None;
    }
    Some(WorkDir::new(&ProviderSource::DevOverride {
        address: ADDRESS.into(),
        binary: binary(),
    }))
}

pub fn configure(dir: &WorkDir, body: &str) {
    dir.write_config(&format!("{}{body}", header(dir)));
}

pub fn store_files(dir: &WorkDir) -> usize {
    std::fs::read_dir(dir.path().join("store"))
        .map(|d| {
            d.filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
                .count()
        })
        .unwrap_or(0)
}
