//! The ACK provider: configuration, resources, data sources and the
//! command-line subcommands of `terraform-provider-ack`.
//!
//! It ties the other crates together — the protocol (`tfplugin`), the API
//! contract (`ack-api`), the client (`ack-client`) and the plan check
//! (`ack-check`) — and holds no protocol internals, no HTTP and no copy of
//! a tier rule or limit: those are the catalog's, in `ack-api`.

pub mod claims;
pub mod common;
pub mod config;
pub mod data_sources;
pub mod docs;
pub mod docs_functions;
pub mod ephemeral_resources;
pub mod functions;
pub mod migrate;
pub mod moved;
pub mod provider;
pub mod registry;
pub mod resources;
pub mod schemas;
pub mod shared;
pub mod upgrade;
pub mod validation;
