//! The server certificate for AutoMTLS.
//!
//! Terraform verifies our certificate against the one we print in the
//! handshake (it is the only root it trusts for this connection, with server
//! name `localhost`). We do **not** request or verify Terraform's client
//! certificate: it is ECDSA P-521 with SHA-512, which rustls' ring backend
//! cannot verify, and with the aws-lc backend rustls rejects it as a CA
//! certificate used as an end entity. The connection is on loopback and the
//! server identity is pinned, which is what protects the channel; this is
//! the same trade-off other Rust plugin servers make.

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    KeyPair, KeyUsagePurpose, SanType, PKCS_ECDSA_P256_SHA256,
};
use tonic::transport::{Identity, ServerTlsConfig};

use super::ServeError;

pub struct Tls {
    pub config: ServerTlsConfig,
    pub cert_der: Vec<u8>,
}

/// Generates a fresh self-signed P-256 certificate for `localhost`.
pub fn generate() -> Result<Tls, ServeError> {
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
    let identity = Identity::from_pem(cert.pem(), key.serialize_pem());
    Ok(Tls {
        config: ServerTlsConfig::new().identity(identity),
        cert_der: cert.der().to_vec(),
    })
}
