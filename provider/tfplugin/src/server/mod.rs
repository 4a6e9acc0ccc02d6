//! Serving a provider: the go-plugin handshake, TLS, side services and the
//! `tfplugin6.Provider` service.

mod convert;
mod ephemeral;
mod functions;
mod listen;
mod pin;
mod plugin;
mod provider;
mod tls;

use std::io::Write as _;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use tokio::sync::watch;
use tonic::transport::Server;

pub use listen::{Address, Listener};
pub(crate) use provider::ProviderService;
pub use tls::{AutoMtls, PinError, PinnedClientCert};

use crate::framework::Provider;
use crate::proto::plugin as plugin_pb;
use crate::proto::tfplugin6 as pb;

/// The cookie Terraform sets to show the process was started as a plugin.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// Largest request message accepted: 64 MiB.
///
/// tonic checks a message's declared length before buffering it, so a
/// larger request is refused (`OutOfRange`) without being read. What a
/// request costs in memory is about twice its size: the transport buffers it
/// whole, then decodes it into the request (values are decoded from that
/// copy while it is still alive). At Go providers' 256 MiB a single request
/// could peak above 512 MiB, and Terraform sends up to ten at once
/// (`-parallelism`). A request carries one resource's configuration and
/// state; 64 MiB is far beyond any real resource (Terraform itself caps the
/// provider schema it receives at 64 MiB) and bounds a request near
/// 130 MiB.
pub const MAX_DECODING_MESSAGE_SIZE: usize = 64 << 20;

/// Largest response message sent, as Terraform's own providers allow
/// (Terraform reads up to 2 GiB).
pub const MAX_ENCODING_MESSAGE_SIZE: usize = 256 << 20;

/// How the process serves.
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Full provider source address (`registry.terraform.io/acklabs/ack`),
    /// printed in debug mode for `TF_REATTACH_PROVIDERS`.
    pub provider_address: String,
    /// Debug mode: no cookie needed, plaintext, prints `TF_REATTACH_PROVIDERS`
    /// and serves until interrupted.
    pub debug: bool,
}

/// Why serving could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(
        "This binary is a plugin. These are not meant to be executed directly.\n\
         Please execute the program that consumes these plugins, which will\n\
         load any plugins automatically"
    )]
    NotAPlugin,
    #[error("Terraform offered plugin protocol versions {0:?}, but this provider speaks only version 6 (Terraform 1.0 or later is required)")]
    UnsupportedProtocol(String),
    #[error("could not listen for Terraform: {0}")]
    Listen(#[source] std::io::Error),
    #[error(
        "PLUGIN_CLIENT_CERT is set but does not hold a usable client certificate: {0}. \
         Terraform sets this variable to its own certificate; the plugin will not serve \
         without verifying it."
    )]
    ClientCert(#[source] PinError),
    #[error("could not set up TLS: {0}")]
    Tls(String),
    #[error("gRPC server failed: {0}")]
    Transport(#[from] tonic::transport::Error),
    #[error("could not write the handshake: {0}")]
    Handshake(#[source] std::io::Error),
}

/// Checks the environment Terraform gives a plugin process.
pub fn check_environment() -> Result<(), ServeError> {
    if std::env::var(MAGIC_COOKIE_KEY).ok().as_deref() != Some(MAGIC_COOKIE_VALUE) {
        return Err(ServeError::NotAPlugin);
    }
    if let Ok(versions) = std::env::var("PLUGIN_PROTOCOL_VERSIONS") {
        if !versions.is_empty() && !versions.split(',').any(|v| v.trim() == "6") {
            return Err(ServeError::UnsupportedProtocol(versions));
        }
    }
    Ok(())
}

/// Serves `provider` until Terraform shuts the process down (or, in debug
/// mode, until interrupted).
pub async fn serve(provider: Arc<dyn Provider>, opts: ServeOptions) -> Result<(), ServeError> {
    if !opts.debug {
        check_environment()?;
    }
    // AutoMTLS: Terraform hands us its certificate, which we pin; we answer
    // with our own, generated now. Reattached (debug) providers are dialled
    // in plaintext. Set but unusable is an error, never plaintext.
    let tls = match std::env::var_os("PLUGIN_CLIENT_CERT") {
        Some(pem) if !opts.debug && !pem.is_empty() => {
            let pem = pem
                .to_str()
                .ok_or_else(|| ServeError::ClientCert(PinError::Pem("not UTF-8 text".into())))?;
            Some(AutoMtls::new(pem)?)
        }
        _ => None,
    };
    let bound = listen::bind()?;
    let address = bound.address.clone();
    let line = handshake_line(
        &address,
        tls.as_ref().map_or(&[][..], AutoMtls::server_cert_der),
    );
    let tls_on = tls.is_some();
    let (shutdown_tx, mut shutdown_rx) = watch::channel(false);
    let debug = opts.debug;
    let server = run(provider, bound.listener, tls, shutdown_tx, async move {
        if debug_stop_on_interrupt(debug).await {
            return;
        }
        std::future::pending::<()>().await;
    });
    if opts.debug {
        print_reattach(&opts.provider_address, &address);
    } else {
        // Before the handshake: Terraform may be interrupted (and the whole
        // process group signalled) the moment it has read the line.
        ignore_interrupts();
        let mut out = std::io::stdout().lock();
        out.write_all(line.as_bytes())
            .map_err(ServeError::Handshake)?;
        out.flush().map_err(ServeError::Handshake)?;
    }
    tracing::debug!(network = address.network, address = %address.address, tls = tls_on, "Provider serving tfplugin6");
    // Terraform closes its connection right after Shutdown; should anything
    // linger, the process still exits promptly.
    let linger = async move {
        while !*shutdown_rx.borrow() {
            if shutdown_rx.changed().await.is_err() {
                return std::future::pending().await;
            }
        }
        tokio::time::sleep(Duration::from_millis(500)).await;
    };
    let result = tokio::select! {
        r = server => r,
        () = linger => Ok(()),
    };
    // Removes the socket and its directory.
    drop(bound.dir);
    result
}

/// In debug mode, resolves when the user presses Ctrl-C; otherwise returns
/// false at once.
async fn debug_stop_on_interrupt(debug: bool) -> bool {
    if debug {
        let _ = tokio::signal::ctrl_c().await;
    }
    debug
}

/// Serves `provider` on `listener` until `stop` resolves or a client calls
/// `GRPCController.Shutdown` (which also sets `shutdown` to true). With
/// `tls`, only clients presenting the pinned certificate get past the TLS
/// handshake. No handshake line is printed: this is the building block for
/// [`serve`] and for in-process tests.
pub async fn run(
    provider: Arc<dyn Provider>,
    listener: impl Into<Listener>,
    tls: Option<AutoMtls>,
    shutdown: watch::Sender<bool>,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let mut requested = shutdown.subscribe();
    let service = ProviderService::new(provider);
    let router = build_router(service, shutdown);
    let signal = async move {
        let controller = async {
            while !*requested.borrow() {
                if requested.changed().await.is_err() {
                    return std::future::pending().await;
                }
            }
        };
        tokio::select! {
            () = stop => {},
            () = controller => {},
        }
    };
    let acceptor = tls.as_ref().map(AutoMtls::acceptor);
    match (listener.into(), acceptor) {
        (Listener::Tcp(l), None) => {
            let incoming = listen::tcp_incoming(l);
            router
                .serve_with_incoming_shutdown(incoming, signal)
                .await?;
        }
        (Listener::Tcp(l), Some(acceptor)) => {
            let incoming = listen::tls_incoming(listen::tcp_incoming(l), acceptor);
            router
                .serve_with_incoming_shutdown(incoming, signal)
                .await?;
        }
        #[cfg(unix)]
        (Listener::Unix(l), None) => {
            let incoming = tokio_stream::wrappers::UnixListenerStream::new(l);
            router
                .serve_with_incoming_shutdown(incoming, signal)
                .await?;
        }
        #[cfg(unix)]
        (Listener::Unix(l), Some(acceptor)) => {
            let incoming =
                listen::tls_incoming(tokio_stream::wrappers::UnixListenerStream::new(l), acceptor);
            router
                .serve_with_incoming_shutdown(incoming, signal)
                .await?;
        }
    }
    Ok(())
}

fn build_router(
    service: ProviderService,
    shutdown: watch::Sender<bool>,
) -> tonic::transport::server::Router {
    let mut builder = Server::builder();
    let (health_reporter, health) = tonic_health::server::health_reporter();
    // go-plugin's health check asks about the service named "plugin".
    tokio::spawn(async move {
        health_reporter
            .set_service_status("plugin", tonic_health::ServingStatus::Serving)
            .await;
    });
    builder
        .add_service(
            pb::provider_server::ProviderServer::new(service)
                .max_decoding_message_size(MAX_DECODING_MESSAGE_SIZE)
                .max_encoding_message_size(MAX_ENCODING_MESSAGE_SIZE),
        )
        .add_service(
            plugin_pb::grpc_controller_server::GrpcControllerServer::new(plugin::Controller {
                shutdown,
            }),
        )
        .add_service(plugin_pb::grpc_stdio_server::GrpcStdioServer::new(
            plugin::Stdio,
        ))
        .add_service(plugin_pb::grpc_broker_server::GrpcBrokerServer::new(
            plugin::Broker,
        ))
        .add_service(health)
}

/// `1|6|NETWORK|ADDRESS|grpc|CERT` where NETWORK is `unix` (ADDRESS the
/// socket path) or `tcp` (ADDRESS `127.0.0.1:PORT`), and CERT is the DER
/// certificate in standard base64 without padding (empty when serving
/// plaintext).
pub(crate) fn handshake_line(address: &Address, cert_der: &[u8]) -> String {
    let cert = base64::engine::general_purpose::STANDARD_NO_PAD.encode(cert_der);
    format!("1|6|{}|{}|grpc|{cert}\n", address.network, address.address)
}

/// The `TF_REATTACH_PROVIDERS` value for a provider served at `address`
/// (go-plugin's `ReattachConfig`, its `Addr` as `{"Network","String"}`).
pub(crate) fn reattach_json(provider_address: &str, address: &Address) -> String {
    serde_json::json!({
        provider_address: {
            "Protocol": "grpc",
            "ProtocolVersion": 6,
            "Pid": std::process::id(),
            "Test": true,
            "Addr": { "Network": address.network, "String": address.address },
        }
    })
    .to_string()
}

fn print_reattach(provider_address: &str, address: &Address) {
    let json = reattach_json(provider_address, address);
    let mut out = std::io::stdout().lock();
    let _ = writeln!(
        out,
        "Provider started in debug mode. To use it from Terraform, set:\n\n\tTF_REATTACH_PROVIDERS='{json}'\n"
    );
    let _ = out.flush();
}

/// Ctrl-C reaches the whole process group. Terraform handles it and cancels
/// us through StopProvider, so the plugin itself must not die on SIGINT.
fn ignore_interrupts() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut sig) = signal(SignalKind::interrupt()) {
            tokio::spawn(async move {
                while sig.recv().await.is_some() {
                    tracing::debug!("Ignoring SIGINT; Terraform stops us through StopProvider");
                }
            });
        }
    }
}
