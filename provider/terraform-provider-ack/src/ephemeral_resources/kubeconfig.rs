//! `ephemeral "ack_cluster_kubeconfig"`: a temporary kubeconfig for a
//! cluster (DescribeClusterUserKubeconfig), for configuring the kubernetes
//! and helm providers in the same run. Terraform never writes it to state or
//! plan files; each plan and apply gets a fresh one.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use ack_api::model::KUBECONFIG_MINUTES;
use ack_client::Client;
use async_trait::async_trait;
use base64::Engine as _;
use serde::{Deserialize, Serialize};
use tfplugin::framework::{
    EphemeralResource, OpenRequest, OpenResponse, Private, RenewRequest, RenewResponse,
    ValidateRequest,
};
use tfplugin::validators::IntBetween;
use tfplugin::value::serde::Planned;
use tfplugin::{Attribute, AttributePath, Block, Diagnostic, Diagnostics, Schema, Value};

use crate::common::{self, api_diag, set};
use crate::shared::Shared;

/// Lifetime when `duration_minutes` is not set.
pub const DEFAULT_MINUTES: u32 = 60;

pub struct KubeconfigEphemeral {
    pub shared: Arc<Shared>,
}

/// `ephemeral "ack_cluster_kubeconfig"`: the configuration and the results.
/// The cluster's ID and name tell unknown from null (exactly one is set).
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(default)]
struct Kubeconfig {
    cluster_id: Planned<String>,
    cluster_name: Planned<String>,
    private_ip: Option<bool>,
    duration_minutes: Option<i64>,
    kubeconfig: Option<String>,
    host: Option<String>,
    cluster_ca_certificate: Option<String>,
    client_certificate: Option<String>,
    client_key: Option<String>,
    expiration: Option<String>,
}

impl Kubeconfig {
    fn read(v: &Value) -> Result<Kubeconfig, Diagnostic> {
        common::model(v, "kubeconfig")
    }
}

/// What the kubeconfig YAML holds, decoded.
#[derive(Debug, PartialEq, Eq)]
pub struct Parts {
    pub host: String,
    pub cluster_ca_certificate: String,
    pub client_certificate: String,
    pub client_key: String,
}

/// Reads the first cluster and user of a kubeconfig. Errors never quote
/// the document (it holds a private key).
pub fn parse(config: &str) -> Result<Parts, String> {
    let doc: serde_yaml::Value =
        serde_yaml::from_str(config).map_err(|_| "the kubeconfig is not valid YAML".to_owned())?;
    let text = |path: &[&str]| -> Result<String, String> {
        let mut v = &doc;
        for p in path {
            v = match p.parse::<usize>() {
                Ok(i) => &v[i],
                Err(_) => &v[*p],
            };
        }
        v.as_str()
            .map(str::to_owned)
            .ok_or_else(|| format!("the kubeconfig has no {}", path.join(".")))
    };
    let pem = |path: &[&str]| -> Result<String, String> {
        let b = base64::engine::general_purpose::STANDARD
            .decode(text(path)?.trim())
            .map_err(|_| format!("{} is not base64", path.join(".")))?;
        String::from_utf8(b).map_err(|_| format!("{} is not PEM text", path.join(".")))
    };
    Ok(Parts {
        host: text(&["clusters", "0", "cluster", "server"])?,
        cluster_ca_certificate: pem(&["clusters", "0", "cluster", "certificate-authority-data"])?,
        client_certificate: pem(&["users", "0", "user", "client-certificate-data"])?,
        client_key: pem(&["users", "0", "user", "client-key-data"])?,
    })
}

/// When to renew: before expiry by a tenth of the lifetime, at least 5 minutes.
pub fn renew_at(expires: SystemTime, minutes: u32) -> SystemTime {
    let margin = Duration::from_secs(u64::from(minutes) * 6).max(Duration::from_secs(300));
    expires.checked_sub(margin).unwrap_or(expires)
}

fn unix(t: SystemTime) -> i64 {
    t.duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX))
        .unwrap_or(0)
}

fn parse_expiration(s: &str) -> Option<SystemTime> {
    let t = chrono::DateTime::parse_from_rfc3339(s).ok()?;
    let secs = u64::try_from(t.timestamp()).ok()?;
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

const RESULTS: [&str; 6] = [
    "kubeconfig",
    "host",
    "cluster_ca_certificate",
    "client_certificate",
    "client_key",
    "expiration",
];

/// Every result unknown (and the cluster ID, when looked up by name).
fn unknown_result(config: &Value) -> OpenResponse {
    let mut result = config.clone();
    for r in RESULTS {
        set(&mut result, r, Value::unknown());
    }
    for key in ["cluster_id", "cluster_name"] {
        if result.get(key).is_some_and(Value::is_null) {
            set(&mut result, key, Value::unknown());
        }
    }
    OpenResponse {
        result,
        ..OpenResponse::default()
    }
}

#[async_trait]
impl EphemeralResource for KubeconfigEphemeral {
    fn type_name(&self) -> String {
        "ack_cluster_kubeconfig".into()
    }

    fn schema(&self) -> Schema {
        let (lo, hi) = (*KUBECONFIG_MINUTES.start(), *KUBECONFIG_MINUTES.end());
        Schema::new(
            Block::new()
                .description(
                    "A temporary kubeconfig for a cluster (the ACK API's DescribeClusterUserKubeconfig): a client \
                     certificate and key signed by the cluster's CA, valid for `duration_minutes`. Use it to configure \
                     the kubernetes or helm provider in the same run. As an ephemeral resource it is never written to \
                     the state or to a saved plan: Terraform asks for a fresh one in every plan and apply. Shortly before \
                     the certificate expires (a tenth of its lifetime, at least 5 minutes) Terraform renews it; a value \
                     cannot change during a run, so renewal warns that providers using it are about to lose access. \
                     Choose `duration_minutes` longer than your longest apply. Closing revokes nothing (ACK can only revoke all of a user's kubeconfigs at once); \
                     the certificate simply expires."
                )
                .attribute(Attribute::string("cluster_id").optional().computed().description(
                    "ID of the cluster. Set this or `cluster_name`. Unknown until the cluster exists, so a kubeconfig \
                     for a cluster created in the same apply is read at apply time.",
                ).validator(crate::validation::cluster_id()))
                .attribute(Attribute::string("cluster_name").optional().computed().description(
                    "Name of the cluster in the provider's region. Set this or `cluster_id`. During a plan that \
                     creates the cluster, the results are unknown until apply.",
                ).validator(crate::validation::cluster_reference()))
                .attribute(Attribute::bool("private_ip").optional().description(
                    "Connect through the API server's internal (VPC) endpoint (`api_server_internal_endpoint`) instead of the public one. Default: `false`. A cluster has a public endpoint only with `endpoint_public_access = true`; without it, the service refuses a public kubeconfig (ErrorApiServerEndpointNotPublic), so set `private_ip = true` and connect from inside the VPC.",
                ))
                .attribute(
                    Attribute::number("duration_minutes")
                        .optional()
                        .description(format!(
                            "How long the client certificate stays valid, in minutes, from {lo} to {hi}. Default: {DEFAULT_MINUTES}."
                        ))
                        .validator(IntBetween(i64::from(lo), i64::from(hi))),
                )
                .attribute(
                    Attribute::string("kubeconfig")
                        .computed()
                        .sensitive()
                        .description("The kubeconfig YAML, for tools that read a file (`KUBECONFIG`)."),
                )
                .attribute(Attribute::string("host").computed().description(
                    "URL of the Kubernetes API server (public, or internal with `private_ip`).",
                ))
                .attribute(
                    Attribute::string("cluster_ca_certificate")
                        .computed()
                        .description("PEM certificate of the cluster's certificate authority."),
                )
                .attribute(
                    Attribute::string("client_certificate")
                        .computed()
                        .description("PEM client certificate, signed by the cluster's CA."),
                )
                .attribute(
                    Attribute::string("client_key")
                        .computed()
                        .sensitive()
                        .description("PEM private key of the client certificate."),
                )
                .attribute(Attribute::string("expiration").computed().description(
                    "When the client certificate expires (RFC 3339, UTC).",
                )),
        )
    }

    async fn validate(&self, req: &ValidateRequest) -> Diagnostics {
        let Ok(Kubeconfig {
            cluster_id: id,
            cluster_name: name,
            ..
        }) = Kubeconfig::read(&req.config)
        else {
            return Diagnostics::new();
        };
        if id.is_null() == name.is_null() && !id.is_unknown() && !name.is_unknown() {
            return Diagnostic::error(
                "Set exactly one of cluster_id and cluster_name",
                "ephemeral \"ack_cluster_kubeconfig\" finds its cluster by `cluster_id` or by `cluster_name`.",
            )
            .at(AttributePath::attr(if id.is_null() {
                "cluster_id"
            } else {
                "cluster_name"
            }))
            .into();
        }
        Diagnostics::new()
    }

    async fn open(&self, req: OpenRequest) -> OpenResponse {
        let Ok(client) = common::client(&self.shared) else {
            // The provider block still holds values Terraform learns during
            // apply (ConfigureProvider left it unconfigured): so do the results.
            return unknown_result(&req.config);
        };
        let issued = match Kubeconfig::read(&req.config) {
            Ok(config) => self.issue(client, config, &req).await,
            Err(d) => Err(d),
        };
        issued.unwrap_or_else(OpenResponse::error)
    }

    async fn renew(&self, req: RenewRequest) -> RenewResponse {
        // A certificate cannot be extended, and Terraform cannot take a new
        // value mid-run: say plainly what will fail, and when.
        let cluster: String = req.private.get("cluster_id").unwrap_or_default();
        let expires: i64 = req.private.get("expires").unwrap_or_default();
        let minutes: u32 = req.private.get("minutes").unwrap_or(DEFAULT_MINUTES);
        let left = expires - unix(SystemTime::now());
        let mut diagnostics = Diagnostics::new();
        diagnostics.push(Diagnostic::warning(
            "Cluster kubeconfig about to expire",
            format!(
                "The kubeconfig for cluster {cluster} expires in {} (it was issued for {minutes} minutes). Providers \
                 configured from ephemeral.ack_cluster_kubeconfig will fail after that. Set duration_minutes longer \
                 than this run takes.",
                if left > 0 {
                    format!("{} minute(s)", (left + 59) / 60)
                } else {
                    "no time: it has expired".to_owned()
                }
            ),
        ));
        RenewResponse {
            private: req.private,
            renew_at: None,
            diagnostics,
        }
    }
}

impl KubeconfigEphemeral {
    /// Finds the cluster and asks for a kubeconfig; the result is the
    /// configuration with the cluster's ID and name and the kubeconfig's parts.
    async fn issue(
        &self,
        client: &Client,
        mut m: Kubeconfig,
        req: &OpenRequest,
    ) -> Result<OpenResponse, Diagnostic> {
        let cancel = &req.ctx.cancel;
        let (found, key) = match (m.cluster_id.known(), m.cluster_name.known()) {
            (Some(id), _) => (client.describe_cluster(id, cancel).await, "cluster_id"),
            (None, Some(name)) => (client.find_cluster(name, cancel).await, "cluster_name"),
            (None, None) => (Ok(None), "cluster_id"),
        };
        let Some(cluster) = found.map_err(|e| api_diag("look up the cluster", &e))? else {
            let planned = m
                .cluster_name
                .known()
                .and_then(|n| self.shared.registry.cluster(n))
                .is_some_and(|p| p.id.is_none());
            if planned {
                // The cluster is planned in this run but not created yet.
                return Ok(unknown_result(&req.config));
            }
            return Err(Diagnostic::error(
                "Cluster not found",
                format!(
                    "No cluster has this {} in the provider's region. Check the value, or create the cluster first.",
                    key.replace('_', " ")
                ),
            )
            .at(AttributePath::attr(key)));
        };
        let private_ip = m.private_ip.unwrap_or(false);
        let minutes = m
            .duration_minutes
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(DEFAULT_MINUTES);
        let kc = client
            .user_kubeconfig(&cluster.cluster_id, private_ip, Some(minutes), cancel)
            .await
            .map_err(|e| {
                let what = format!("get a kubeconfig for cluster {}", cluster.cluster_id);
                api_diag(&what, &e)
            })?;
        let parts = parse(&kc.config).map_err(|why| {
            Diagnostic::error(
                "The ACK API returned an unusable kubeconfig",
                format!("DescribeClusterUserKubeconfig answered, but {why}."),
            )
        })?;
        let expires = parse_expiration(&kc.expiration)
            .unwrap_or_else(|| SystemTime::now() + Duration::from_secs(u64::from(minutes) * 60));
        m.cluster_id = Planned::Known(cluster.cluster_id.clone());
        m.cluster_name = Planned::Known(cluster.name.clone());
        m.kubeconfig = Some(kc.config.clone());
        m.host = Some(parts.host);
        m.cluster_ca_certificate = Some(parts.cluster_ca_certificate);
        m.client_certificate = Some(parts.client_certificate);
        m.client_key = Some(parts.client_key);
        m.expiration = Some(kc.expiration.clone());
        let result = common::state(&m, &self.schema().ty(), "kubeconfig")?;
        let mut private = Private::default();
        private.set("cluster_id", &cluster.cluster_id);
        private.set("expires", &unix(expires));
        private.set("minutes", &minutes);
        Ok(OpenResponse {
            result,
            private,
            renew_at: Some(renew_at(expires, minutes)),
            diagnostics: Diagnostics::new(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_emulators_kubeconfig_shape() {
        let b = |s: &str| base64::engine::general_purpose::STANDARD.encode(s);
        let yaml = format!(
            "apiVersion: v1\nkind: Config\nclusters:\n- name: kubernetes\n  cluster:\n    server: https://10.0.0.1:6443\n    \
             certificate-authority-data: {}\nusers:\n- name: u\n  user:\n    client-certificate-data: {}\n    client-key-data: {}\n",
            b("CA"),
            b("CERT"),
            b("KEY")
        );
        assert_eq!(
            parse(&yaml).unwrap(),
            Parts {
                host: "https://10.0.0.1:6443".into(),
                cluster_ca_certificate: "CA".into(),
                client_certificate: "CERT".into(),
                client_key: "KEY".into(),
            }
        );
        let err = parse("users: [{user: {client-key-data: SECRETKEY}}]").unwrap_err();
        assert!(!err.contains("SECRETKEY"), "{err}");
    }

    #[test]
    fn renewal_warns_that_access_is_about_to_end() {
        let r = KubeconfigEphemeral {
            shared: Arc::new(Shared::default()),
        };
        let mut private = Private::default();
        private.set("cluster_id", &"c1");
        private.set("expires", &(unix(SystemTime::now()) + 240));
        private.set("minutes", &15u32);
        let resp = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(r.renew(RenewRequest {
                ctx: tfplugin::framework::Ctx::default(),
                private,
            }));
        assert!(resp.renew_at.is_none());
        let d = resp.diagnostics.into_iter().next().unwrap();
        assert!(!d.is_error());
        assert!(
            d.detail.contains("cluster c1 expires in 4 minute(s)"),
            "{d}"
        );
    }

    #[test]
    fn unknown_until_the_provider_is_configured() {
        let r = KubeconfigEphemeral {
            shared: Arc::new(Shared::default()),
        };
        let mut config = Value::object(
            r.schema()
                .block
                .attributes
                .iter()
                .map(|a| (a.name.clone(), Value::Null)),
        );
        set(&mut config, "cluster_name", "prod");
        let resp = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
            .block_on(r.open(OpenRequest {
                ctx: tfplugin::framework::Ctx::default(),
                config,
            }));
        assert!(resp.diagnostics.is_empty());
        assert!(resp.result.get("kubeconfig").unwrap().is_unknown());
        assert!(resp.result.get("cluster_id").unwrap().is_unknown());
        assert_eq!(resp.result.get("cluster_name"), Some(&Value::from("prod")));
        assert!(resp.result.get("private_ip").unwrap().is_null());
        assert!(resp.renew_at.is_none());
    }

    #[test]
    fn renewal_comes_before_expiry() {
        let t = SystemTime::UNIX_EPOCH + Duration::from_secs(10_000);
        assert_eq!(renew_at(t, 15), t - Duration::from_secs(300));
        assert_eq!(renew_at(t, 600), t - Duration::from_secs(3600));
    }
}
