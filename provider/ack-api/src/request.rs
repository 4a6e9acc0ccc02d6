//! API requests as plain data, built and signed without I/O: the client
//! sends them, the emulator's tests replay them, anyone can inspect them.

use serde::Serialize;

use crate::model::{
    AddonConfigRequest, BackupPolicy, CreateClusterRequest, KmsEncryptionRequest,
    MigrateClusterRequest, ModifyClusterRequest, ModifyTagsRequest, NodeConfigRequest,
    NodePoolRequest, UpgradeClusterRequest,
};
use crate::sign;

mod addons;

/// One API call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiRequest {
    /// `x-acs-action`, e.g. `DescribeClusterDetail`.
    pub action: &'static str,
    pub method: &'static str,
    /// Path with parameters already percent-encoded.
    pub path: String,
    pub query: Vec<(String, String)>,
    /// JSON body, if any.
    pub body: Option<Vec<u8>>,
}

/// What signs a request: the access key, its secret, and an STS token.
#[derive(Clone)]
pub struct Credentials<'a> {
    pub access_key_id: &'a str,
    pub access_key_secret: &'a str,
    pub security_token: Option<&'a str>,
}

impl std::fmt::Debug for Credentials<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("access_key_id", &self.access_key_id)
            .finish_non_exhaustive()
    }
}

fn seg(s: &str) -> String {
    sign::percent_encode(s)
}

fn json<T: Serialize>(v: &T) -> Option<Vec<u8>> {
    // Serializing our own model types cannot fail.
    serde_json::to_vec(v).ok()
}

impl ApiRequest {
    fn new(action: &'static str, method: &'static str, path: String) -> ApiRequest {
        ApiRequest {
            action,
            method,
            path,
            query: Vec::new(),
            body: None,
        }
    }

    #[must_use]
    pub fn with_query(mut self, k: &str, v: impl Into<String>) -> ApiRequest {
        self.query.push((k.to_owned(), v.into()));
        self
    }

    /// Whether the call changes something (and is not safe to repeat blindly).
    pub fn is_mutation(&self) -> bool {
        self.method != "GET"
    }

    pub fn create_cluster(req: &CreateClusterRequest) -> ApiRequest {
        ApiRequest {
            body: json(req),
            ..ApiRequest::new("CreateCluster", "POST", "/clusters".into())
        }
    }
    pub fn describe_cluster(id: &str) -> ApiRequest {
        ApiRequest::new(
            "DescribeClusterDetail",
            "GET",
            format!("/clusters/{}", seg(id)),
        )
    }
    pub fn list_clusters() -> ApiRequest {
        ApiRequest::new("DescribeClustersV1", "GET", "/api/v1/clusters".into())
    }
    pub fn modify_cluster(id: &str, req: &ModifyClusterRequest) -> ApiRequest {
        ApiRequest {
            body: json(req),
            ..ApiRequest::new(
                "ModifyCluster",
                "PUT",
                format!("/api/v2/clusters/{}", seg(id)),
            )
        }
    }
    pub fn modify_tags(id: &str, tags: &ModifyTagsRequest) -> ApiRequest {
        ApiRequest {
            body: json(tags),
            ..ApiRequest::new(
                "ModifyClusterTags",
                "POST",
                format!("/clusters/{}/tags", seg(id)),
            )
        }
    }
    /// UpdateControlPlaneLog.
    pub fn update_control_plane_log(id: &str, req: &crate::model::ControlPlaneLog) -> ApiRequest {
        ApiRequest {
            body: json(req),
            ..ApiRequest::new(
                "UpdateControlPlaneLog",
                "PUT",
                format!("/clusters/{}/controlplanelog", seg(id)),
            )
        }
    }
    /// CheckControlPlaneLogEnable.
    pub fn control_plane_log(id: &str) -> ApiRequest {
        ApiRequest::new(
            "CheckControlPlaneLogEnable",
            "GET",
            format!("/clusters/{}/controlplanelog", seg(id)),
        )
    }
    /// UpdateClusterAuditLogConfig.
    pub fn update_audit_log(id: &str, req: &crate::model::AuditLogUpdate) -> ApiRequest {
        ApiRequest {
            body: json(req),
            ..ApiRequest::new(
                "UpdateClusterAuditLogConfig",
                "PUT",
                format!("/clusters/{}/audit_log", seg(id)),
            )
        }
    }
    /// GetClusterAuditProject.
    pub fn audit_project(id: &str) -> ApiRequest {
        ApiRequest::new(
            "GetClusterAuditProject",
            "GET",
            format!("/clusters/{}/audit", seg(id)),
        )
    }
    pub fn delete_cluster(id: &str) -> ApiRequest {
        ApiRequest::new("DeleteCluster", "DELETE", format!("/clusters/{}", seg(id)))
    }
    /// DeleteCluster saying what to do with the resources the cluster made
    /// (`delete_options`, a JSON array in the query, as the SDK sends it).
    pub fn delete_cluster_with(id: &str, options: &[crate::model::DeleteOption]) -> ApiRequest {
        let req = ApiRequest::delete_cluster(id);
        if options.is_empty() {
            return req;
        }
        let json = serde_json::to_string(options).unwrap_or_default();
        req.with_query("delete_options", json)
    }
    pub fn migrate_cluster(id: &str, req: &MigrateClusterRequest) -> ApiRequest {
        ApiRequest {
            body: json(req),
            ..ApiRequest::new(
                "MigrateCluster",
                "POST",
                format!("/clusters/{}/migrate", seg(id)),
            )
        }
    }
    pub fn upgrade_cluster(id: &str, req: &UpgradeClusterRequest) -> ApiRequest {
        ApiRequest {
            body: json(req),
            ..ApiRequest::new(
                "UpgradeCluster",
                "POST",
                format!("/api/v2/clusters/{}/upgrade", seg(id)),
            )
        }
    }
    pub fn describe_task(id: &str) -> ApiRequest {
        ApiRequest::new("DescribeTaskInfo", "GET", format!("/tasks/{}", seg(id)))
    }
    pub fn create_node_pool(cluster: &str, req: &NodePoolRequest) -> ApiRequest {
        ApiRequest {
            body: json(req),
            ..ApiRequest::new(
                "CreateClusterNodePool",
                "POST",
                format!("/clusters/{}/nodepools", seg(cluster)),
            )
        }
    }
    pub fn modify_node_pool_node_config(
        cluster: &str,
        pool: &str,
        req: &NodeConfigRequest,
    ) -> ApiRequest {
        ApiRequest {
            body: json(req),
            ..ApiRequest::new(
                "ModifyNodePoolNodeConfig",
                "PUT",
                format!(
                    "/clusters/{}/nodepools/{}/node_config",
                    seg(cluster),
                    seg(pool)
                ),
            )
        }
    }
    pub fn upgrade_node_pool(
        cluster: &str,
        pool: &str,
        req: &crate::model::UpgradeNodePoolRequest,
    ) -> ApiRequest {
        ApiRequest {
            body: json(req),
            ..ApiRequest::new(
                "UpgradeClusterNodepool",
                "POST",
                format!("/clusters/{}/nodepools/{}/upgrade", seg(cluster), seg(pool)),
            )
        }
    }
    pub fn list_node_pools(cluster: &str) -> ApiRequest {
        ApiRequest::new(
            "DescribeClusterNodePools",
            "GET",
            format!("/clusters/{}/nodepools", seg(cluster)),
        )
    }
    pub fn describe_node_pool(cluster: &str, pool: &str) -> ApiRequest {
        ApiRequest::new(
            "DescribeClusterNodePoolDetail",
            "GET",
            format!("/clusters/{}/nodepools/{}", seg(cluster), seg(pool)),
        )
    }
    pub fn modify_node_pool(cluster: &str, pool: &str, req: &NodePoolRequest) -> ApiRequest {
        ApiRequest {
            body: json(req),
            ..ApiRequest::new(
                "ModifyClusterNodePool",
                "PUT",
                format!("/clusters/{}/nodepools/{}", seg(cluster), seg(pool)),
            )
        }
    }
    /// `force`: remove the nodes even when they cannot be drained.
    pub fn delete_node_pool(cluster: &str, pool: &str, force: bool) -> ApiRequest {
        ApiRequest::new(
            "DeleteClusterNodepool",
            "DELETE",
            format!("/clusters/{}/nodepools/{}", seg(cluster), seg(pool)),
        )
        .with_query("force", if force { "true" } else { "false" })
    }
    pub fn update_kms(cluster: &str, req: &KmsEncryptionRequest) -> ApiRequest {
        ApiRequest {
            body: json(req),
            ..ApiRequest::new(
                "UpdateKMSEncryption",
                "PUT",
                format!("/clusters/{}/kms", seg(cluster)),
            )
        }
    }
    pub fn modify_addon(cluster: &str, addon: &str, req: &AddonConfigRequest) -> ApiRequest {
        ApiRequest {
            body: json(req),
            ..ApiRequest::new(
                "ModifyClusterAddon",
                "POST",
                format!(
                    "/clusters/{}/components/{}/config",
                    seg(cluster),
                    seg(addon)
                ),
            )
        }
    }
    pub fn addon_instance(cluster: &str, addon: &str) -> ApiRequest {
        ApiRequest::new(
            "GetClusterAddonInstance",
            "GET",
            format!("/clusters/{}/addon_instances/{}", seg(cluster), seg(addon)),
        )
    }
    pub fn describe_user_quota() -> ApiRequest {
        ApiRequest::new("DescribeUserQuota", "GET", "/quota".into())
    }
    /// DescribeClusterUserKubeconfig: a kubeconfig for the caller, reaching
    /// the internal endpoint with `private_ip`, valid for `minutes` (15-4320;
    /// `None`: the service's long-lived default).
    pub fn user_kubeconfig(cluster: &str, private_ip: bool, minutes: Option<u32>) -> ApiRequest {
        let mut r = ApiRequest::new(
            "DescribeClusterUserKubeconfig",
            "GET",
            format!("/k8s/{}/user_config", seg(cluster)),
        )
        .with_query("PrivateIpAddress", private_ip.to_string());
        if let Some(m) = minutes {
            r = r.with_query("TemporaryDurationMinutes", m.to_string());
        }
        r
    }
    pub fn versions() -> ApiRequest {
        ApiRequest::new(
            "DescribeKubernetesVersionMetadata",
            "GET",
            "/api/v1/metadata/versions".into(),
        )
    }
    /// ListAddons: the addons offered (answers [`crate::model::AddonList`]);
    /// filter with `with_query("cluster_id", …)`, `cluster_spec`, `region_id`, ….
    pub fn list_addons() -> ApiRequest {
        ApiRequest::new("ListAddons", "GET", "/addons".into())
    }
    /// DescribeAddons: the addon catalogue by group (answers
    /// [`crate::model::AddonCatalog`]); `region` is required.
    pub fn describe_addons(region: &str) -> ApiRequest {
        ApiRequest::new(
            "DescribeAddons",
            "GET",
            "/clusters/components/metadata".into(),
        )
        .with_query("region", region)
    }
    /// Emulator extension (not ACK): read a cluster's etcd backup policy.
    pub fn describe_backup_policy(cluster: &str) -> ApiRequest {
        ApiRequest::new(
            "XEmulatorDescribeEtcdBackupPolicy",
            "GET",
            format!(
                "/x-ack-emulator/clusters/{}/etcd-backup-policy",
                seg(cluster)
            ),
        )
    }
    /// Emulator extension (not ACK): set a cluster's etcd backup policy.
    pub fn put_backup_policy(cluster: &str, p: &BackupPolicy) -> ApiRequest {
        ApiRequest {
            body: json(p),
            ..ApiRequest::new(
                "XEmulatorPutEtcdBackupPolicy",
                "PUT",
                format!(
                    "/x-ack-emulator/clusters/{}/etcd-backup-policy",
                    seg(cluster)
                ),
            )
        }
    }
    /// Emulator extension (not ACK): remove a cluster's etcd backup policy.
    pub fn delete_backup_policy(cluster: &str) -> ApiRequest {
        ApiRequest::new(
            "XEmulatorDeleteEtcdBackupPolicy",
            "DELETE",
            format!(
                "/x-ack-emulator/clusters/{}/etcd-backup-policy",
                seg(cluster)
            ),
        )
    }

    /// The path and query as sent on the wire.
    pub fn path_and_query(&self) -> String {
        if self.query.is_empty() {
            return self.path.clone();
        }
        let q: Vec<String> = self
            .query
            .iter()
            .map(|(k, v)| format!("{}={}", sign::percent_encode(k), sign::percent_encode(v)))
            .collect();
        format!("{}?{}", self.path, q.join("&"))
    }

    /// Every header to send, `Authorization` included. `date` is
    /// `YYYY-MM-DDTHH:MM:SSZ` (UTC); `nonce` must be unique per request.
    pub fn signed_headers(
        &self,
        host: &str,
        creds: &Credentials<'_>,
        date: &str,
        nonce: &str,
    ) -> Vec<(String, String)> {
        let body = self.body.as_deref().unwrap_or_default();
        let hash = sign::sha256_hex(body);
        let mut headers: Vec<(String, String)> = vec![
            ("host".into(), host.into()),
            ("x-acs-action".into(), self.action.into()),
            ("x-acs-version".into(), crate::API_VERSION.into()),
            ("x-acs-date".into(), date.into()),
            ("x-acs-signature-nonce".into(), nonce.into()),
            ("x-acs-content-sha256".into(), hash.clone()),
            ("accept".into(), "application/json".into()),
        ];
        if self.body.is_some() {
            headers.push((
                "content-type".into(),
                "application/json; charset=utf-8".into(),
            ));
        }
        if let Some(token) = creds.security_token {
            headers.push(("x-acs-security-token".into(), token.into()));
        }
        let signed = sign::signed_header_names(&headers);
        let canonical = sign::canonical_request(&sign::Parts {
            method: self.method,
            path: &self.path,
            query: &self.query,
            headers: &headers,
            signed: &signed,
            payload_hash: &hash,
        });
        let signature = sign::signature(creds.access_key_secret, &canonical);
        headers.push((
            "authorization".into(),
            sign::authorization(creds.access_key_id, &signed, &signature),
        ));
        headers
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_request_matches_computed_vector() {
        let req = ApiRequest::describe_cluster("c0123456789abcdef");
        let creds = Credentials {
            access_key_id: "testid",
            access_key_secret: "testsecret",
            security_token: None,
        };
        let headers = req.signed_headers(
            "cs.cn-hangzhou.aliyuncs.com",
            &creds,
            "2024-01-01T00:00:00Z",
            "0123456789abcdef0123456789abcdef",
        );
        let auth = headers.iter().find(|(k, _)| k == "authorization").unwrap();
        assert!(
            auth.1.ends_with(
                "Signature=47c82d1521800b90e32cdc72749a49f77d838b3c26f62793304fb9d45b4e8714"
            ),
            "{}",
            auth.1
        );
        let del = ApiRequest::delete_node_pool("c0123456789abcdef", "np0123", true);
        assert_eq!(
            del.path_and_query(),
            "/clusters/c0123456789abcdef/nodepools/np0123?force=true"
        );
    }

    #[test]
    fn quota_request() {
        let q = ApiRequest::describe_user_quota();
        assert_eq!(
            (q.action, q.method, q.path.as_str()),
            ("DescribeUserQuota", "GET", "/quota")
        );
        assert!(!q.is_mutation() && q.body.is_none());
        let a = ApiRequest::describe_addons("cn-hangzhou");
        assert_eq!(
            a.path_and_query(),
            "/clusters/components/metadata?region=cn-hangzhou"
        );
    }

    #[test]
    fn credentials_never_print_the_secret() {
        let creds = Credentials {
            access_key_id: "id",
            access_key_secret: "topsecret",
            security_token: Some("tok"),
        };
        let s = format!("{creds:?}");
        assert!(!s.contains("topsecret") && !s.contains("tok\""));
    }
}
