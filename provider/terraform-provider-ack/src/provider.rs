//! The `ack` provider: its configuration block and the resources and data
//! sources it serves.

use std::sync::Arc;

use async_trait::async_trait;
use tfplugin::framework::{
    ConfigureRequest, DataSource, EphemeralResource, Function, Provider, Resource,
};
use tfplugin::validators::Check;
use tfplugin::{Attribute, Block, Diagnostics, Schema, Value};

use crate::config::{self, ProcessEnv, ProviderConfig};
use crate::{data_sources, resources};

/// The provider's source address.
pub const ADDRESS: &str = "registry.terraform.io/acklabs/ack";

use crate::resources::feature::FeatureResource;
pub use crate::shared::Shared;

#[derive(Debug, Default)]
pub struct AckProvider {
    pub shared: Arc<Shared>,
}

impl AckProvider {
    pub fn new() -> AckProvider {
        AckProvider::default()
    }
}

#[async_trait]
impl Provider for AckProvider {
    fn type_name(&self) -> &str {
        "ack"
    }

    fn schema(&self) -> Schema {
        Schema::new(
            Block::new()
                .description(
                    "Manages professional (ACK Pro) and standard (ACK Standard) managed Kubernetes clusters through \
                     the ACK API, or through the local `ack-emulator`. Configuring the provider makes no network call.",
                )
                .attribute(
                    Attribute::string("endpoint")
                        .optional()
                        .description(format!(
                            "Base URL of the ACK API, e.g. `http://127.0.0.1:8787` for the local emulator. Plain `http://` is \
                             accepted only for this machine unless `insecure = true`. \
                             Default: the `{}` environment variable, else `https://cs.{{region}}.aliyuncs.com`.",
                            config::ENV_ENDPOINT
                        ))
                        .validator(Check::new("An http:// or https:// URL.", |v: &Value| {
                            let s = v.as_str().unwrap_or_default();
                            let shown = ack_client::redact_url(s);
                            if !config::valid_endpoint(s) {
                                Err(format!("{shown:?} is not an http:// or https:// URL, e.g. \"http://127.0.0.1:8787\"."))
                            } else if config::has_user_info(s) {
                                Err(format!("{shown:?} carries a user name or password; remove the `user:password@` part (requests are signed with the access key)."))
                            } else {
                                Ok(())
                            }
                        })),
                )
                .attribute(
                    Attribute::string("region")
                        .optional()
                        .description(format!(
                            "Region ID, e.g. `cn-hangzhou`. Default: the `{}` environment variable. Required from one of the two.",
                            config::ENV_REGION
                        ))
                        .validator(Check::new("A region ID such as `cn-hangzhou`.", |v: &Value| {
                            let s = v.as_str().unwrap_or_default();
                            if config::valid_region(s) {
                                Ok(())
                            } else {
                                Err(format!("{s:?} is not a region ID; expected something like \"cn-hangzhou\"."))
                            }
                        })),
                )
                .attribute(Attribute::string("access_key").optional().sensitive().description(format!(
                    "AccessKey ID used to sign requests. Default: the `{}` environment variable.",
                    config::ENV_ACCESS_KEY
                )))
                .attribute(Attribute::string("secret_key").optional().sensitive().description(format!(
                    "AccessKey secret used to sign requests; never logged or stored in state. Default: the `{}` environment variable.",
                    config::ENV_SECRET_KEY
                )))
                .attribute(Attribute::string("security_token").optional().sensitive().description(format!(
                    "STS security token, when the AccessKey is temporary. Default: the `{}` environment variable.",
                    config::ENV_SECURITY_TOKEN
                )))
                .attribute(Attribute::bool("insecure").optional().description(format!(
                    "Allow a plain `http://` endpoint on another machine. Without it, `http://` is accepted only for \
                     this machine (127.0.0.0/8, `::1`, `localhost`), because over plain HTTP the request signatures \
                     and the STS security token cross the network unencrypted. Set it only for a network you trust, \
                     such as an emulator on another host; it changes nothing for `https://` (certificates are always \
                     verified). Default: the `{}` environment variable (`true` or `false`), else `false`.",
                    config::ENV_INSECURE
                ))),
        )
    }

    async fn validate_config(&self, config: &Value) -> Diagnostics {
        match config::check_transport(config, &ProcessEnv) {
            Ok(()) => Diagnostics::new(),
            Err(e) => e.to_diagnostic().into(),
        }
    }

    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![
            Arc::new(resources::cluster::ClusterResource {
                shared: self.shared.clone(),
            }),
            Arc::new(resources::node_pool::NodePoolResource {
                shared: self.shared.clone(),
            }),
            Arc::new(FeatureResource::<resources::encryption::Encryption>::new(
                self.shared.clone(),
            )),
            Arc::new(FeatureResource::<resources::backup_policy::Backups>::new(
                self.shared.clone(),
            )),
            Arc::new(
                FeatureResource::<resources::scheduler_profile::Scheduler>::new(
                    self.shared.clone(),
                ),
            ),
            Arc::new(FeatureResource::<resources::addon::Addon>::new(
                self.shared.clone(),
            )),
            Arc::new(FeatureResource::<resources::inspection::Inspection>::new(
                self.shared.clone(),
            )),
        ]
    }

    fn data_sources(&self) -> Vec<Arc<dyn DataSource>> {
        vec![
            Arc::new(data_sources::editions::EditionsDataSource),
            Arc::new(data_sources::versions::VersionsDataSource {
                shared: self.shared.clone(),
            }),
            Arc::new(data_sources::cluster::ClusterDataSource {
                shared: self.shared.clone(),
            }),
        ]
    }

    fn ephemeral_resources(&self) -> Vec<Arc<dyn EphemeralResource>> {
        vec![Arc::new(
            crate::ephemeral_resources::kubeconfig::KubeconfigEphemeral {
                shared: self.shared.clone(),
            },
        )]
    }

    fn functions(&self) -> Vec<Arc<dyn Function>> {
        crate::functions::all()
    }

    async fn configure(&self, req: ConfigureRequest) -> Diagnostics {
        // During plan the block may hold values that are not known yet (from
        // another resource). Resources then skip API-backed checks.
        if !req.config.is_wholly_known() {
            tracing::debug!("Provider configuration not fully known yet; deferring");
            return Diagnostics::new();
        }
        match ProviderConfig::resolve(&req.config, &ProcessEnv) {
            Ok(c) => {
                tracing::debug!(endpoint = %c.endpoint, region = %c.region, "Provider configured");
                let mut cc = ack_client::ClientConfig::new(
                    &c.endpoint,
                    &c.region,
                    &c.credentials.access_key_id,
                    c.credentials.access_key_secret.expose(),
                );
                cc.security_token = c
                    .credentials
                    .security_token
                    .as_ref()
                    .map(|t| t.expose().to_owned());
                match ack_client::Client::new(cc) {
                    Ok(client) => {
                        let _ = self.shared.client.set(client);
                    }
                    Err(e) => return crate::common::api_diag("set up the API client", &e).into(),
                }
                let _ = self.shared.config.set(c);
                Diagnostics::new()
            }
            Err(e) => e.to_diagnostic().into(),
        }
    }
}
