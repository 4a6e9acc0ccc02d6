//! Ephemeral resources: values Terraform uses during a run and never stores.

pub mod kubeconfig;
