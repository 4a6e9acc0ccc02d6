//! Test support for AutoMTLS: P-521 client certificates like the ones
//! Terraform generates, and a gRPC client that dials the plugin over TLS
//! with a chosen certificate and key (or none).

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::sync::Arc;

use base64::Engine as _;
use hyper_util::rt::TokioIo;
use p521::ecdsa::signature::RandomizedSigner as _;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::sign::{CertifiedKey, Signer, SigningKey};
use rustls::{DigitallySignedStruct, SignatureAlgorithm, SignatureScheme};
use tonic::transport::{Channel, Endpoint};

/// A self-signed ECDSA P-521 / SHA-512 certificate and its key.
#[derive(Clone)]
pub struct Identity {
    pub der: Vec<u8>,
    pub key: Arc<p521::ecdsa::SigningKey>,
}

impl Identity {
    /// A fresh certificate for `CN=localhost`, signed ecdsa-with-SHA512.
    pub fn generate() -> Identity {
        let key = p521::ecdsa::SigningKey::random(&mut rand::rngs::OsRng);
        let der = self_signed(&key);
        Identity {
            der,
            key: Arc::new(key),
        }
    }

    /// The certificate as PEM, as Terraform passes it in `PLUGIN_CLIENT_CERT`.
    pub fn pem(&self) -> String {
        let b64 = base64::engine::general_purpose::STANDARD.encode(&self.der);
        let lines: Vec<&str> = b64
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        format!(
            "-----BEGIN CERTIFICATE-----\n{}\n-----END CERTIFICATE-----\n",
            lines.join("\n")
        )
    }

    /// What the client presents: this certificate, signing with `key`.
    pub fn presenting_with(&self, key: &Arc<p521::ecdsa::SigningKey>) -> ClientAuth {
        ClientAuth {
            cert: self.der.clone(),
            key: Arc::new(P521Key(key.clone())),
        }
    }

    /// What the client presents: this certificate and its own key.
    pub fn presenting(&self) -> ClientAuth {
        self.presenting_with(&self.key)
    }

    /// A TLS 1.3 CertificateVerify-style signature over `message`.
    pub fn sign(&self, message: &[u8]) -> Vec<u8> {
        let sig: p521::ecdsa::Signature = self.key.sign_with_rng(&mut rand::rngs::OsRng, message);
        sig.to_der().as_bytes().to_vec()
    }
}

/// A client certificate and the key that signs the handshake.
#[derive(Clone, Debug)]
pub struct ClientAuth {
    pub cert: Vec<u8>,
    pub key: Arc<dyn SigningKey>,
}

/// Minimal DER: tag, definite length, body.
fn der(tag: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![tag];
    let len = body.len();
    if len < 0x80 {
        out.push(len as u8);
    } else if len < 0x100 {
        out.extend([0x81, len as u8]);
    } else {
        out.extend([0x82, (len >> 8) as u8, len as u8]);
    }
    out.extend_from_slice(body);
    out
}

fn seq(parts: &[&[u8]]) -> Vec<u8> {
    der(0x30, &parts.concat())
}

fn bit_string(bytes: &[u8]) -> Vec<u8> {
    der(0x03, &[&[0u8][..], bytes].concat())
}

/// An X.509 v3 certificate (RFC 5280) signed by its own key.
fn self_signed(key: &p521::ecdsa::SigningKey) -> Vec<u8> {
    const ECDSA_WITH_SHA512: &[u8] = &[0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04];
    const EC_PUBLIC_KEY: &[u8] = &[0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
    const SECP521R1: &[u8] = &[0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23];
    const COMMON_NAME: &[u8] = &[0x06, 0x03, 0x55, 0x04, 0x03];
    let name = seq(&[&der(0x31, &seq(&[COMMON_NAME, &der(0x0c, b"localhost")]))]);
    let alg = seq(&[ECDSA_WITH_SHA512]);
    let validity = seq(&[&der(0x17, b"250101000000Z"), &der(0x18, b"20991231235959Z")]);
    let point = p521::ecdsa::VerifyingKey::from(key).to_encoded_point(false);
    let spki = seq(&[
        &seq(&[EC_PUBLIC_KEY, SECP521R1]),
        &bit_string(point.as_bytes()),
    ]);
    let serial: [u8; 9] = {
        let mut s = rand::random::<[u8; 9]>();
        s[0] = 0x01; // positive, no leading zero
        s
    };
    let version = der(0xa0, &der(0x02, &[2]));
    let tbs = seq(&[
        &version,
        &der(0x02, &serial),
        &alg,
        &name,
        &validity,
        &name,
        &spki,
    ]);
    let sig: p521::ecdsa::Signature = key.sign_with_rng(&mut rand::rngs::OsRng, &tbs);
    seq(&[&tbs, &alg, &bit_string(sig.to_der().as_bytes())])
}

/// Signs the handshake with a P-521 key (rustls' ring backend cannot).
struct P521Key(Arc<p521::ecdsa::SigningKey>);

impl std::fmt::Debug for P521Key {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("P521Key")
    }
}

impl SigningKey for P521Key {
    fn choose_scheme(&self, offered: &[SignatureScheme]) -> Option<Box<dyn Signer>> {
        offered
            .contains(&SignatureScheme::ECDSA_NISTP521_SHA512)
            .then(|| Box::new(P521Signer(self.0.clone())) as Box<dyn Signer>)
    }
    fn algorithm(&self) -> SignatureAlgorithm {
        SignatureAlgorithm::ECDSA
    }
}

struct P521Signer(Arc<p521::ecdsa::SigningKey>);

impl std::fmt::Debug for P521Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("P521Signer")
    }
}

impl Signer for P521Signer {
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, rustls::Error> {
        let sig: p521::ecdsa::Signature = self.0.sign_with_rng(&mut rand::rngs::OsRng, message);
        Ok(sig.to_der().as_bytes().to_vec())
    }
    fn scheme(&self) -> SignatureScheme {
        SignatureScheme::ECDSA_NISTP521_SHA512
    }
}

/// Trusts exactly the server certificate from the handshake line, as
/// Terraform does.
#[derive(Debug)]
struct PinnedServer {
    cert: Vec<u8>,
    algorithms: rustls::crypto::WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for PinnedServer {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if end_entity.as_ref() == self.cert.as_slice() {
            Ok(ServerCertVerified::assertion())
        } else {
            Err(rustls::Error::General(
                "not the server certificate from the handshake".into(),
            ))
        }
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

fn client_config(server_cert: &[u8], auth: Option<ClientAuth>) -> rustls::ClientConfig {
    let provider = rustls::crypto::ring::default_provider();
    let verifier = Arc::new(PinnedServer {
        cert: server_cert.to_vec(),
        algorithms: provider.signature_verification_algorithms,
    });
    let builder = rustls::ClientConfig::builder_with_provider(Arc::new(provider))
        .with_safe_default_protocol_versions()
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let mut config = match auth {
        None => builder.with_no_client_auth(),
        Some(a) => {
            builder.with_client_cert_resolver(Arc::new(rustls::sign::SingleCertAndKey::from(
                CertifiedKey::new(vec![CertificateDer::from(a.cert)], a.key),
            )))
        }
    };
    config.alpn_protocols = vec![b"h2".to_vec()];
    config
}

/// A gRPC channel to the plugin at `network`/`address` (as in the
/// handshake line) over TLS, trusting `server_cert` and presenting `auth`.
pub async fn connect(
    network: &str,
    address: &str,
    server_cert: &[u8],
    auth: Option<ClientAuth>,
) -> Result<Channel, tonic::transport::Error> {
    let connector = tokio_rustls::TlsConnector::from(Arc::new(client_config(server_cert, auth)));
    let (network, address) = (network.to_owned(), address.to_owned());
    Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_| {
            let (network, address, connector) =
                (network.clone(), address.clone(), connector.clone());
            async move {
                let name = ServerName::try_from("localhost").unwrap();
                let tls = connector
                    .connect(name, dial(&network, &address).await?)
                    .await?;
                Ok::<_, std::io::Error>(TokioIo::new(tls))
            }
        }))
        .await
}

async fn dial(network: &str, address: &str) -> std::io::Result<Box<dyn Io>> {
    #[cfg(unix)]
    if network == "unix" {
        return Ok(Box::new(tokio::net::UnixStream::connect(address).await?));
    }
    Ok(Box::new(tokio::net::TcpStream::connect(address).await?))
}

pub trait Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Io for T {}

/// Dials with `auth` and asks for the provider schema; the error if the
/// connection or the call fails.
pub async fn get_schema(
    network: &str,
    address: &str,
    server_cert: &[u8],
    auth: Option<ClientAuth>,
) -> Result<(), String> {
    use tfplugin::__private::proto::tfplugin6 as pb;
    let ch = connect(network, address, server_cert, auth)
        .await
        .map_err(|e| format!("connect: {e:?}"))?;
    pb::provider_client::ProviderClient::new(ch)
        .get_provider_schema(pb::get_provider_schema::Request {})
        .await
        .map(|_| ())
        .map_err(|s| format!("rpc: {s:?}"))
}
