//! The ACK provider: configuration, resources, data sources and the
//! command-line subcommands of `terraform-provider-ack`.

pub mod config;
pub mod provider;
