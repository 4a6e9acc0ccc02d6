//! AutoMTLS: mutual TLS between Terraform and the plugin.
//!
//! Terraform puts its client certificate in `PLUGIN_CLIENT_CERT`; the plugin
//! answers with a certificate of its own, generated at start and printed in
//! the handshake line. Both sides then pin:
//!
//! - Terraform trusts only the certificate we printed (server name
//!   `localhost`);
//! - we require a client certificate and accept only the one from
//!   `PLUGIN_CLIENT_CERT`, and check that the client signed the handshake
//!   with its key ([`PinnedClientCert`]). Another local process that finds
//!   the socket cannot complete the handshake, so it never reaches an RPC.
//!
//! The server speaks TLS 1.3 only (Go's client, which Terraform uses,
//! offers it) and negotiates ALPN `h2` as grpc-go requires. A
//! `PLUGIN_CLIENT_CERT` that does not hold exactly one parsable certificate
//! is an error: serving without client authentication is never a fallback.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, SanType, PKCS_ECDSA_P256_SHA256,
};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

pub use super::pin::{PinError, PinnedClientCert};
use super::ServeError;

/// The TLS side of a plugin server: our certificate and the rustls config
/// that pins the client's.
#[derive(Clone)]
pub struct AutoMtls {
    config: Arc<rustls::ServerConfig>,
    cert_der: Vec<u8>,
}

impl std::fmt::Debug for AutoMtls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AutoMtls").finish_non_exhaustive()
    }
}

impl AutoMtls {
    /// Pins the client certificate `client_cert_pem` (the value of
    /// `PLUGIN_CLIENT_CERT`) and generates our server certificate.
    pub fn new(client_cert_pem: &str) -> Result<Self, ServeError> {
        let pin = PinnedClientCert::from_pem(client_cert_pem).map_err(ServeError::ClientCert)?;
        Self::with_pin(pin)
    }

    /// Like [`AutoMtls::new`] with an already parsed pin.
    pub fn with_pin(pin: PinnedClientCert) -> Result<Self, ServeError> {
        let (cert, key) = server_identity()?;
        let tls_err = |e: rustls::Error| ServeError::Tls(e.to_string());
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS13])
            .map_err(tls_err)?
            .with_client_cert_verifier(Arc::new(pin))
            .with_single_cert(vec![cert.clone()], key)
            .map_err(tls_err)?;
        config.alpn_protocols = vec![b"h2".to_vec()];
        Ok(Self {
            config: Arc::new(config),
            cert_der: cert.to_vec(),
        })
    }

    /// Our certificate (DER), for the handshake line.
    pub fn server_cert_der(&self) -> &[u8] {
        &self.cert_der
    }

    pub(crate) fn acceptor(&self) -> tokio_rustls::TlsAcceptor {
        tokio_rustls::TlsAcceptor::from(self.config.clone())
    }
}

/// A fresh self-signed P-256 certificate for `localhost`, with the fields
/// go-plugin's own servers use (CA, server and client auth).
fn server_identity() -> Result<(CertificateDer<'static>, PrivateKeyDer<'static>), ServeError> {
    let err = |e: rcgen::Error| ServeError::Tls(e.to_string());
    let key = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).map_err(err)?;
    let mut params = CertificateParams::default();
    let mut dn = DistinguishedName::new();
    dn.push(DnType::OrganizationName, "HashiCorp");
    dn.push(DnType::CommonName, "localhost");
    params.distinguished_name = dn;
    params.subject_alt_names = vec![SanType::DnsName("localhost".try_into().map_err(err)?)];
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.key_usages = vec![
        KeyUsagePurpose::DigitalSignature,
        KeyUsagePurpose::KeyEncipherment,
        KeyUsagePurpose::KeyAgreement,
        KeyUsagePurpose::KeyCertSign,
    ];
    params.extended_key_usages = vec![
        ExtendedKeyUsagePurpose::ClientAuth,
        ExtendedKeyUsagePurpose::ServerAuth,
    ];
    let now = std::time::SystemTime::now();
    params.not_before = (now - std::time::Duration::from_secs(30)).into();
    params.not_after = (now + std::time::Duration::from_secs(262_980 * 3600)).into();
    let cert = params.self_signed(&key).map_err(err)?;
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(key.serialize_der()));
    Ok((cert.der().clone(), key))
}
