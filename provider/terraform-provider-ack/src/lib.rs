//! The ACK provider: configuration, resources, data sources and the
//! command-line subcommands of `terraform-provider-ack`.

pub mod common;
pub mod config;
pub mod data_sources;
pub mod docs;
pub mod docs_functions;
pub mod ephemeral_resources;
pub mod functions;
pub mod provider;
pub mod registry;
pub mod resources;
pub mod schemas;
pub mod validation;
