//! Serving a provider: the go-plugin handshake, TLS, side services and the
//! `tfplugin6.Provider` service.

mod convert;
mod ephemeral;
mod functions;
mod plugin;
mod provider;
mod tls;

use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use base64::Engine as _;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio_stream::wrappers::TcpListenerStream;
use tokio_stream::StreamExt as _;
use tonic::transport::Server;

pub use provider::ProviderService;

use crate::framework::Provider;
use crate::proto::plugin as plugin_pb;
use crate::proto::tfplugin6 as pb;

/// The cookie Terraform sets to show the process was started as a plugin.
pub const MAGIC_COOKIE_KEY: &str = "TF_PLUGIN_MAGIC_COOKIE";
pub const MAGIC_COOKIE_VALUE: &str =
    "d602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2";

/// Largest message accepted or sent, as Terraform's own providers allow.
pub const MAX_MESSAGE_SIZE: usize = 256 << 20;

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
    #[error("could not listen on loopback: {0}")]
    Listen(#[source] std::io::Error),
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
    let listener = TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(ServeError::Listen)?;
    let addr = listener.local_addr().map_err(ServeError::Listen)?;

    // AutoMTLS: Terraform hands us its certificate; we answer with our own,
    // generated now. Reattached (debug) providers are dialled in plaintext.
    let client_cert = std::env::var("PLUGIN_CLIENT_CERT").unwrap_or_default();
    let tls = if opts.debug || client_cert.trim().is_empty() {
        None
    } else {
        Some(tls::generate()?)
    };

    let line = match &tls {
        Some(t) => handshake_line(addr, &t.cert_der),
        None => handshake_line(addr, &[]),
    };
    let (shutdown_tx, mut shutdown_rx) = watch::channel(false);
    let debug = opts.debug;
    let server = run(
        provider,
        listener,
        tls.map(|t| t.config),
        shutdown_tx,
        async move {
            if debug_stop_on_interrupt(debug).await {
                return;
            }
            std::future::pending::<()>().await;
        },
    );
    if opts.debug {
        print_reattach(&opts.provider_address, addr);
    } else {
        let mut out = std::io::stdout().lock();
        out.write_all(line.as_bytes())
            .map_err(ServeError::Handshake)?;
        out.flush().map_err(ServeError::Handshake)?;
        ignore_interrupts();
    }
    tracing::debug!(address = %addr, tls = !client_cert.trim().is_empty() && !opts.debug, "Provider serving tfplugin6");
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
    tokio::select! {
        r = server => r,
        () = linger => Ok(()),
    }
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
/// `GRPCController.Shutdown` (which also sets `shutdown` to true). No
/// handshake is printed: this is the building block for [`serve`] and for
/// in-process tests.
pub async fn run(
    provider: Arc<dyn Provider>,
    listener: TcpListener,
    tls: Option<tonic::transport::ServerTlsConfig>,
    shutdown: watch::Sender<bool>,
    stop: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServeError> {
    let mut requested = shutdown.subscribe();
    let service = ProviderService::new(provider);
    let router = build_router(service, shutdown, tls)?;
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
    // Small gRPC messages must not wait for delayed ACKs (Nagle's
    // algorithm); Go's client disables it too.
    let incoming = TcpListenerStream::new(listener).map(|conn| {
        conn.inspect(|s| {
            let _ = s.set_nodelay(true);
        })
    });
    router
        .serve_with_incoming_shutdown(incoming, signal)
        .await?;
    Ok(())
}

fn build_router(
    service: ProviderService,
    shutdown: watch::Sender<bool>,
    tls: Option<tonic::transport::ServerTlsConfig>,
) -> Result<tonic::transport::server::Router, ServeError> {
    let mut builder = Server::builder();
    if let Some(cfg) = tls {
        builder = builder
            .tls_config(cfg)
            .map_err(|e| ServeError::Tls(e.to_string()))?;
    }
    let (health_reporter, health) = tonic_health::server::health_reporter();
    // go-plugin's health check asks about the service named "plugin".
    tokio::spawn(async move {
        health_reporter
            .set_service_status("plugin", tonic_health::ServingStatus::Serving)
            .await;
    });
    Ok(builder
        .add_service(
            pb::provider_server::ProviderServer::new(service)
                .max_decoding_message_size(MAX_MESSAGE_SIZE)
                .max_encoding_message_size(MAX_MESSAGE_SIZE),
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
        .add_service(health))
}

/// `1|6|tcp|127.0.0.1:PORT|grpc|CERT` where CERT is the DER certificate in
/// standard base64 without padding (empty when serving plaintext).
pub fn handshake_line(addr: SocketAddr, cert_der: &[u8]) -> String {
    let cert = base64::engine::general_purpose::STANDARD_NO_PAD.encode(cert_der);
    format!("1|6|tcp|{addr}|grpc|{cert}\n")
}

/// The `TF_REATTACH_PROVIDERS` value for a provider served at `addr`.
pub fn reattach_json(provider_address: &str, addr: SocketAddr) -> String {
    serde_json::json!({
        provider_address: {
            "Protocol": "grpc",
            "ProtocolVersion": 6,
            "Pid": std::process::id(),
            "Test": true,
            "Addr": { "Network": "tcp", "String": addr.to_string() },
        }
    })
    .to_string()
}

fn print_reattach(provider_address: &str, addr: SocketAddr) {
    let json = reattach_json(provider_address, addr);
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
