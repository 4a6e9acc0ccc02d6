//! DescribeClusterUserKubeconfig in-process: real YAML, the cluster's
//! endpoint, a client certificate that chains to the cluster's own CA and
//! expires when the response says, and the service's errors.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::time::Duration;

use ack_api::request::ApiRequest;
use base64::Engine as _;
use rustls_pki_types::{CertificateDer, UnixTime};
use support::Emu;

fn pem_to_der(pem: &str) -> Vec<u8> {
    let body: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
    base64::engine::general_purpose::STANDARD
        .decode(body)
        .unwrap()
}

fn field(doc: &serde_yaml::Value, path: &[&str]) -> String {
    let mut v = doc;
    for p in path {
        v = match p.parse::<usize>() {
            Ok(i) => &v[i],
            Err(_) => &v[*p],
        };
    }
    v.as_str().unwrap_or_default().to_owned()
}

fn decoded(doc: &serde_yaml::Value, path: &[&str]) -> String {
    let b = base64::engine::general_purpose::STANDARD
        .decode(field(doc, path))
        .unwrap();
    String::from_utf8(b).unwrap()
}

fn verify(ca_pem: &str, cert_pem: &str, at: UnixTime) -> Result<(), webpki::Error> {
    let ca = CertificateDer::from(pem_to_der(ca_pem));
    let anchor = webpki::anchor_from_trusted_cert(&ca).unwrap();
    let leaf = CertificateDer::from(pem_to_der(cert_pem));
    let ee = webpki::EndEntityCert::try_from(&leaf).unwrap();
    ee.verify_for_usage(
        webpki::ALL_VERIFICATION_ALGS,
        &[anchor],
        &[],
        at,
        webpki::KeyUsage::client_auth(),
        None,
        None,
    )
    .map(|_| ())
}

#[tokio::test]
async fn kubeconfig_is_signed_by_the_clusters_own_ca_and_expires() {
    let emu = Emu::new();
    let id = emu.cluster("kc", "ack.pro.small").await;
    let other = emu.cluster("kc2", "ack.standard").await;

    let before = chrono::Utc::now();
    let body = emu
        .call(&ApiRequest::user_kubeconfig(&id, false, Some(60)))
        .await
        .ok();
    let expiration = chrono::DateTime::parse_from_rfc3339(body["expiration"].as_str().unwrap())
        .unwrap()
        .with_timezone(&chrono::Utc);
    assert!(body["expiration"].as_str().unwrap().ends_with('Z'), "UTC");
    let lifetime = expiration - before;
    assert!((59..=61).contains(&lifetime.num_minutes()), "{lifetime:?}");

    let doc: serde_yaml::Value = serde_yaml::from_str(body["config"].as_str().unwrap()).unwrap();
    assert_eq!(field(&doc, &["kind"]), "Config");
    let detail = emu.call(&ApiRequest::describe_cluster(&id)).await.ok();
    let urls: serde_json::Value =
        serde_json::from_str(detail["master_url"].as_str().unwrap()).unwrap();
    assert_eq!(
        field(&doc, &["clusters", "0", "cluster", "server"]),
        urls["api_server_endpoint"].as_str().unwrap()
    );
    let ca = decoded(
        &doc,
        &["clusters", "0", "cluster", "certificate-authority-data"],
    );
    let cert = decoded(&doc, &["users", "0", "user", "client-certificate-data"]);
    let key = decoded(&doc, &["users", "0", "user", "client-key-data"]);
    assert!(ca.starts_with("-----BEGIN CERTIFICATE-----"));
    assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"));
    assert_eq!(
        field(&doc, &["current-context"]),
        field(&doc, &["contexts", "0", "name"])
    );

    let now = UnixTime::now();
    verify(&ca, &cert, now).unwrap();
    let after_expiry = UnixTime::since_unix_epoch(Duration::from_secs(
        u64::try_from(expiration.timestamp()).unwrap() + 5,
    ));
    assert!(matches!(
        verify(&ca, &cert, after_expiry),
        Err(webpki::Error::CertExpired { .. })
    ));

    // The same CA every time (persisted); another cluster has its own.
    let again = emu
        .call(&ApiRequest::user_kubeconfig(&id, true, Some(15)))
        .await
        .ok();
    let doc2: serde_yaml::Value = serde_yaml::from_str(again["config"].as_str().unwrap()).unwrap();
    assert_eq!(
        decoded(
            &doc2,
            &["clusters", "0", "cluster", "certificate-authority-data"]
        ),
        ca
    );
    assert_eq!(
        field(&doc2, &["clusters", "0", "cluster", "server"]),
        urls["intranet_api_server_endpoint"].as_str().unwrap(),
        "PrivateIpAddress=true gives the internal endpoint"
    );
    let theirs = emu
        .call(&ApiRequest::user_kubeconfig(&other, false, None))
        .await
        .ok();
    let doc3: serde_yaml::Value = serde_yaml::from_str(theirs["config"].as_str().unwrap()).unwrap();
    let their_ca = decoded(
        &doc3,
        &["clusters", "0", "cluster", "certificate-authority-data"],
    );
    assert_ne!(their_ca, ca);
    assert!(
        verify(&their_ca, &cert, now).is_err(),
        "a certificate of one cluster is not valid for another"
    );
}

#[tokio::test]
async fn kubeconfig_errors_as_the_service_gives_them() {
    let emu = Emu::new();
    let id = emu.cluster("kc", "ack.standard").await;
    for minutes in [14, 4321] {
        emu.call(&ApiRequest::user_kubeconfig(&id, false, Some(minutes)))
            .await
            .err(400, "InvalidParameter.TemporaryDurationMinutes");
    }
    emu.call(&ApiRequest::user_kubeconfig(&id, false, Some(4320)))
        .await
        .ok();
    emu.call(&ApiRequest::user_kubeconfig(
        "c0123456789abcdef0123456789abcdef",
        false,
        Some(60),
    ))
    .await
    .err(404, "ErrorClusterNotFound");
    let bad = ApiRequest::user_kubeconfig(&id, false, None).with_query("PrivateIpAddress", "yes");
    emu.call(&bad).await.err(400, "InvalidParameter");

    // A cluster still being created has no API server to reach.
    let req = ack_emulator::inventory::in_default_network(ack_api::model::CreateClusterRequest {
        name: "young".into(),
        region_id: "cn-hangzhou".into(),
        cluster_type: "ManagedKubernetes".into(),
        endpoint_public_access: Some(true),
        ..Default::default()
    });
    let created = emu.call(&ApiRequest::create_cluster(&req)).await.ok();
    let young = created["cluster_id"].as_str().unwrap();
    emu.call(&ApiRequest::user_kubeconfig(young, false, Some(60)))
        .await
        .err(400, "ErrorClusterState");
}

fn ca_of(body: &serde_json::Value) -> String {
    let doc: serde_yaml::Value = serde_yaml::from_str(body["config"].as_str().unwrap()).unwrap();
    decoded(
        &doc,
        &["clusters", "0", "cluster", "certificate-authority-data"],
    )
}

fn cas_stored(emu: &Emu) -> i64 {
    emu.state
        .db()
        .query_row("SELECT COUNT(*) FROM cluster_cas", [], |r| r.get(0))
        .unwrap()
}

#[tokio::test]
async fn the_ca_survives_a_restart_and_goes_with_its_cluster() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("emu.db");
    let db = db.to_str().unwrap();
    let config = ack_emulator::Config {
        speed: 1e9,
        ..ack_emulator::Config::default()
    };
    let (id, ca) = {
        let emu = Emu::with(config.clone(), db);
        let id = emu.cluster("kc", "ack.standard").await;
        let body = emu
            .call(&ApiRequest::user_kubeconfig(&id, false, Some(60)))
            .await
            .ok();
        (id, ca_of(&body))
    };
    let emu = Emu::with(config, db);
    let body = emu
        .call(&ApiRequest::user_kubeconfig(&id, false, Some(60)))
        .await
        .ok();
    assert_eq!(ca_of(&body), ca, "the same CA after a restart");
    assert_eq!(cas_stored(&emu), 1);

    emu.call(&ApiRequest::delete_cluster(&id)).await.ok();
    emu.tick();
    emu.call(&ApiRequest::user_kubeconfig(&id, false, Some(60)))
        .await
        .err(404, "ErrorClusterNotFound");
    assert_eq!(cas_stored(&emu), 0, "the CA is removed with its cluster");
}
