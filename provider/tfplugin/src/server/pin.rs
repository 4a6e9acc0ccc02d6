//! Client authentication for AutoMTLS: Terraform's certificate, pinned.
//!
//! Terraform passes its client certificate in `PLUGIN_CLIENT_CERT` and
//! presents exactly that certificate in the TLS handshake. It is a
//! self-signed CA certificate (ECDSA P-521, SHA-512), so chain validation
//! means nothing here: the only certificate we accept is that one, compared
//! byte for byte, and the client must prove it holds the key by signing the
//! handshake (TLS 1.3 CertificateVerify). rustls' ring backend cannot verify
//! P-521 signatures, so those are checked with RustCrypto's `p521`; any other
//! key type is checked by rustls' own algorithms.

use p521::ecdsa::signature::Verifier as _;
use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::WebPkiSupportedAlgorithms;
use rustls::pki_types::{CertificateDer, SubjectPublicKeyInfoDer, UnixTime};
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{
    CertificateError, DigitallySignedStruct, DistinguishedName, Error, PeerIncompatible,
    PeerMisbehaved, SignatureScheme,
};
use x509_parser::prelude::{FromDer as _, X509Certificate};

/// id-ecPublicKey and the secp521r1 curve (RFC 5480).
const EC_PUBLIC_KEY: &str = "1.2.840.10045.2.1";
const SECP521R1: &str = "1.3.132.0.35";

/// Why a `PLUGIN_CLIENT_CERT` value cannot be pinned.
#[derive(Debug, thiserror::Error)]
pub enum PinError {
    #[error("no PEM CERTIFICATE block found")]
    NoCertificate,
    #[error("it holds {0} certificates; expected exactly one")]
    SeveralCertificates(usize),
    #[error("the PEM is malformed: {0}")]
    Pem(String),
    #[error("the certificate cannot be parsed: {0}")]
    Parse(String),
    #[error("the certificate's P-521 public key is invalid")]
    BadP521Key,
}

/// The public key of the pinned certificate, ready to check signatures.
enum PinnedKey {
    /// ECDSA P-521: verified with `p521` (SHA-512 only, as TLS 1.3 binds it).
    P521(p521::ecdsa::VerifyingKey),
    /// Anything else: verified by rustls' algorithms from the raw SPKI.
    Other(SubjectPublicKeyInfoDer<'static>),
}

impl std::fmt::Debug for PinnedKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::P521(_) => "P521",
            Self::Other(_) => "Other",
        })
    }
}

/// A [`ClientCertVerifier`] that requires a client certificate and accepts
/// only the pinned one.
#[derive(Debug)]
pub struct PinnedClientCert {
    der: CertificateDer<'static>,
    key: PinnedKey,
    algorithms: WebPkiSupportedAlgorithms,
}

impl PinnedClientCert {
    /// Pins the single certificate in `pem` (the value of `PLUGIN_CLIENT_CERT`).
    pub fn from_pem(pem: &str) -> Result<Self, PinError> {
        use rustls::pki_types::pem::PemObject as _;
        let mut certs = CertificateDer::pem_slice_iter(pem.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| PinError::Pem(e.to_string()))?;
        if certs.len() > 1 {
            return Err(PinError::SeveralCertificates(certs.len()));
        }
        certs
            .pop()
            .ok_or(PinError::NoCertificate)
            .and_then(Self::from_der)
    }

    /// Pins `der`, a DER X.509 certificate.
    pub fn from_der(der: CertificateDer<'static>) -> Result<Self, PinError> {
        let (rest, cert) =
            X509Certificate::from_der(&der).map_err(|e| PinError::Parse(e.to_string()))?;
        if !rest.is_empty() {
            return Err(PinError::Parse(
                "trailing data after the certificate".into(),
            ));
        }
        let spki = cert.public_key();
        let curve = spki
            .algorithm
            .parameters
            .as_ref()
            .and_then(|p| p.as_oid().ok())
            .map(|oid| oid.to_id_string());
        let key = if spki.algorithm.algorithm.to_id_string() == EC_PUBLIC_KEY
            && curve.as_deref() == Some(SECP521R1)
        {
            let point = &spki.subject_public_key.data;
            PinnedKey::P521(
                p521::ecdsa::VerifyingKey::from_sec1_bytes(point)
                    .map_err(|_| PinError::BadP521Key)?,
            )
        } else {
            PinnedKey::Other(SubjectPublicKeyInfoDer::from(spki.raw.to_vec()))
        };
        Ok(Self {
            key,
            der,
            algorithms: rustls::crypto::ring::default_provider().signature_verification_algorithms,
        })
    }

    /// The pinned certificate.
    pub fn certificate(&self) -> &CertificateDer<'static> {
        &self.der
    }

    /// Checks that `cert` is the pinned certificate and that the handshake
    /// signature `dss` over `message` was made with its key.
    fn verify_handshake(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<(), Error> {
        if cert.as_ref() != self.der.as_ref() {
            return Err(not_pinned());
        }
        match &self.key {
            PinnedKey::P521(key) => verify_p521(key, message, dss.scheme, dss.signature()),
            PinnedKey::Other(spki) => {
                rustls::crypto::verify_tls13_signature_with_raw_key(
                    message,
                    spki,
                    dss,
                    &self.algorithms,
                )?;
                Ok(())
            }
        }
    }
}

fn not_pinned() -> Error {
    Error::InvalidCertificate(CertificateError::ApplicationVerificationFailure)
}

/// ECDSA P-521 with SHA-512, the only scheme TLS 1.3 allows for the key.
fn verify_p521(
    key: &p521::ecdsa::VerifyingKey,
    message: &[u8],
    scheme: SignatureScheme,
    signature: &[u8],
) -> Result<(), Error> {
    if scheme != SignatureScheme::ECDSA_NISTP521_SHA512 {
        return Err(PeerMisbehaved::SignedHandshakeWithUnadvertisedSigScheme.into());
    }
    let bad = |_| Error::InvalidCertificate(CertificateError::BadSignature);
    let sig = p521::ecdsa::Signature::from_der(signature).map_err(bad)?;
    key.verify(message, &sig).map_err(bad)
}

impl ClientCertVerifier for PinnedClientCert {
    fn client_auth_mandatory(&self) -> bool {
        true
    }

    /// No CA names: Go's client then sends its certificate whenever its key
    /// matches one of [`Self::supported_verify_schemes`].
    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    /// Only the pinned certificate; intermediates play no part (the pin is
    /// the whole trust decision) and validity dates are not checked (the
    /// certificate is a fresh one Terraform made for this process).
    fn verify_client_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, Error> {
        if end_entity.as_ref() == self.der.as_ref() {
            Ok(ClientCertVerified::assertion())
        } else {
            Err(not_pinned())
        }
    }

    /// The server speaks TLS 1.3 only (see `tls.rs`); refuse rather than
    /// check a TLS 1.2 signature with TLS 1.3 rules.
    fn verify_tls12_signature(
        &self,
        _message: &[u8],
        _cert: &CertificateDer<'_>,
        _dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        Err(PeerIncompatible::Tls12NotOfferedOrEnabled.into())
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.verify_handshake(message, cert, dss)
            .map(|()| HandshakeSignatureValid::assertion())
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        match &self.key {
            PinnedKey::P521(_) => vec![SignatureScheme::ECDSA_NISTP521_SHA512],
            PinnedKey::Other(_) => self.algorithms.supported_schemes(),
        }
    }
}
