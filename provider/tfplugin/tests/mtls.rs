//! AutoMTLS in-process: the server requires Terraform's certificate, pinned,
//! and refuses every other client during the TLS handshake, before any RPC.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/mtls.rs"]
mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use async_trait::async_trait;
use rustls::client::danger::HandshakeSignatureValid;
use rustls::internal::msgs::codec::Codec as _;
use rustls::pki_types::{CertificateDer, UnixTime};
use rustls::server::danger::ClientCertVerifier as _;
use rustls::{DigitallySignedStruct, SignatureScheme};
use support::{ClientAuth, Identity};
use tfplugin::__private::msgpack;
use tfplugin::__private::proto::tfplugin6 as pb;
use tfplugin::framework::*;
use tfplugin::server::{AutoMtls, PinnedClientCert, ServeError};
use tfplugin::{Block, Diagnostics, Schema, Value};
use tokio::sync::watch;

/// Counts ConfigureProvider calls that reached the provider.
struct Counting(Arc<AtomicUsize>);

#[async_trait]
impl Provider for Counting {
    fn type_name(&self) -> &str {
        "counting"
    }
    fn schema(&self) -> Schema {
        Schema::new(Block::new())
    }
    fn resources(&self) -> Vec<Arc<dyn Resource>> {
        vec![]
    }
    async fn configure(&self, _req: ConfigureRequest) -> Diagnostics {
        self.0.fetch_add(1, Ordering::SeqCst);
        Diagnostics::new()
    }
}

struct Served {
    address: String,
    server_cert: Vec<u8>,
    calls: Arc<AtomicUsize>,
}

/// Serves over TLS on loopback, pinning `terraform`'s certificate.
async fn serve_pinned(pinned_pem: &str) -> Served {
    let tls = AutoMtls::new(pinned_pem).unwrap();
    let server_cert = tls.server_cert_der().to_vec();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap().to_string();
    let calls = Arc::new(AtomicUsize::new(0));
    let provider = Arc::new(Counting(calls.clone()));
    let (tx, _rx) = watch::channel(false);
    tokio::spawn(async move {
        tfplugin::server::run(provider, listener, Some(tls), tx, std::future::pending())
            .await
            .unwrap();
    });
    Served {
        address,
        server_cert,
        calls,
    }
}

/// Calls ConfigureProvider as `auth`; Ok if it was served.
async fn configure_as(s: &Served, auth: Option<ClientAuth>) -> Result<(), String> {
    let ch = support::connect("tcp", &s.address, &s.server_cert, auth)
        .await
        .map_err(|e| format!("connect: {e:?}"))?;
    let config = msgpack::encode(
        &Value::object(Vec::<(&str, Value)>::new()),
        &Schema::new(Block::new()).ty(),
    )
    .unwrap();
    pb::provider_client::ProviderClient::new(ch)
        .configure_provider(pb::configure_provider::Request {
            terraform_version: "1.11.4".into(),
            config: Some(pb::DynamicValue {
                msgpack: config,
                json: vec![],
            }),
            client_capabilities: None,
        })
        .await
        .map(|_| ())
        .map_err(|s| format!("rpc: {s:?}"))
}

#[tokio::test]
async fn the_pinned_client_is_served() {
    let terraform = Identity::generate();
    let s = serve_pinned(&terraform.pem()).await;
    configure_as(&s, Some(terraform.presenting()))
        .await
        .unwrap();
    assert_eq!(s.calls.load(Ordering::SeqCst), 1);
}

/// Serves with Terraform's certificate pinned and connects as `client`
/// presents itself (given Terraform's identity): refused, with no RPC
/// reaching the provider.
async fn refused(client: impl FnOnce(&Identity) -> Option<ClientAuth>) {
    let terraform = Identity::generate();
    let s = serve_pinned(&terraform.pem()).await;
    let err = configure_as(&s, client(&terraform)).await.unwrap_err();
    assert_eq!(
        s.calls.load(Ordering::SeqCst),
        0,
        "no RPC reached the provider: {err}"
    );
}

#[tokio::test]
async fn a_client_without_a_certificate_is_refused_before_any_rpc() {
    refused(|_| None).await;
}

#[tokio::test]
async fn a_client_with_another_certificate_is_refused_before_any_rpc() {
    refused(|_| Some(Identity::generate().presenting())).await;
}

#[tokio::test]
async fn the_pinned_certificate_without_its_key_is_refused() {
    // A process that read PLUGIN_CLIENT_CERT (it is not secret) but does not
    // hold Terraform's key cannot sign the handshake.
    refused(|terraform| Some(terraform.presenting_with(&Identity::generate().key))).await;
}

#[tokio::test]
async fn other_key_types_are_checked_by_rustls() {
    // A P-256 client certificate (not what Terraform uses, but allowed).
    let key = rcgen::KeyPair::generate_for(&rcgen::PKCS_ECDSA_P256_SHA256).unwrap();
    let cert = rcgen::CertificateParams::new(vec!["localhost".into()])
        .unwrap()
        .self_signed(&key)
        .unwrap();
    let signing = rustls::crypto::ring::default_provider()
        .key_provider
        .load_private_key(rustls::pki_types::PrivateKeyDer::Pkcs8(
            key.serialize_der().into(),
        ))
        .unwrap();
    let s = serve_pinned(&cert.pem()).await;
    let auth = ClientAuth {
        cert: cert.der().to_vec(),
        key: signing,
    };
    configure_as(&s, Some(auth)).await.unwrap();
    assert_eq!(s.calls.load(Ordering::SeqCst), 1);
    configure_as(&s, Some(Identity::generate().presenting()))
        .await
        .unwrap_err();
    assert_eq!(s.calls.load(Ordering::SeqCst), 1);
}

#[test]
fn an_unusable_client_certificate_is_an_error() {
    for (pem, why) in [
        ("garbage", "no PEM CERTIFICATE block"),
        (
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
            "cannot be parsed",
        ),
        (
            "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n",
            "malformed",
        ),
    ] {
        let err = AutoMtls::new(pem).unwrap_err();
        assert!(matches!(err, ServeError::ClientCert(_)), "{pem}: {err}");
        let msg = err.to_string();
        assert!(
            msg.contains("PLUGIN_CLIENT_CERT") && msg.contains(why),
            "{pem}: {msg}"
        );
    }
    let two = format!(
        "{}{}",
        Identity::generate().pem(),
        Identity::generate().pem()
    );
    let err = AutoMtls::new(&two).unwrap_err().to_string();
    assert!(err.contains("expected exactly one"), "{err}");
}

fn dss(scheme: SignatureScheme, signature: &[u8]) -> DigitallySignedStruct {
    let mut wire = u16::from(scheme).to_be_bytes().to_vec();
    wire.extend_from_slice(&u16::try_from(signature.len()).unwrap().to_be_bytes());
    wire.extend_from_slice(signature);
    DigitallySignedStruct::read_bytes(&wire).unwrap()
}

fn verify(
    pin: &PinnedClientCert,
    cert: &[u8],
    message: &[u8],
    dss: &DigitallySignedStruct,
) -> Result<HandshakeSignatureValid, rustls::Error> {
    pin.verify_tls13_signature(message, &CertificateDer::from(cert), dss)
}

#[test]
fn verifier_pins_the_certificate_and_checks_the_signature() {
    let terraform = Identity::generate();
    let other = Identity::generate();
    let pin = PinnedClientCert::from_pem(&terraform.pem()).unwrap();
    assert!(
        pin.client_auth_mandatory(),
        "a client certificate is required"
    );
    assert!(pin
        .supported_verify_schemes()
        .contains(&SignatureScheme::ECDSA_NISTP521_SHA512));

    // The pinned certificate is accepted, any other refused.
    let now = UnixTime::now();
    pin.verify_client_cert(&CertificateDer::from(terraform.der.clone()), &[], now)
        .unwrap();
    pin.verify_client_cert(&CertificateDer::from(other.der.clone()), &[], now)
        .unwrap_err();

    // Its key's signature is verified.
    let message = b"TLS 1.3, client CertificateVerify\0transcript hash";
    let good = dss(
        SignatureScheme::ECDSA_NISTP521_SHA512,
        &terraform.sign(message),
    );
    verify(&pin, &terraform.der, message, &good).unwrap();
    // Another message, another key, a broken signature or another scheme: refused.
    verify(&pin, &terraform.der, b"another transcript", &good).unwrap_err();
    let wrong_key = dss(SignatureScheme::ECDSA_NISTP521_SHA512, &other.sign(message));
    verify(&pin, &terraform.der, message, &wrong_key).unwrap_err();
    let mut broken = terraform.sign(message);
    let last = broken.len() - 1;
    broken[last] ^= 1;
    let broken = dss(SignatureScheme::ECDSA_NISTP521_SHA512, &broken);
    verify(&pin, &terraform.der, message, &broken).unwrap_err();
    let scheme = dss(
        SignatureScheme::ECDSA_NISTP384_SHA384,
        &terraform.sign(message),
    );
    verify(&pin, &terraform.der, message, &scheme).unwrap_err();
    // A valid signature by another certificate's key does not help it.
    let theirs = dss(SignatureScheme::ECDSA_NISTP521_SHA512, &other.sign(message));
    verify(&pin, &other.der, message, &theirs).unwrap_err();
    // TLS 1.2 is not spoken.
    pin.verify_tls12_signature(message, &CertificateDer::from(terraform.der.clone()), &good)
        .unwrap_err();
}
