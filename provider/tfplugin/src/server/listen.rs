//! Where the plugin listens, as hashicorp/go-plugin does it: a Unix socket
//! on Unix, TCP on loopback elsewhere; and the TLS handshake in front of
//! every connection when AutoMTLS is on.
//!
//! The socket lives in a fresh directory of its own, mode 0700, created
//! under `PLUGIN_UNIX_SOCKET_DIR` when set, else under the system temporary
//! directory, and removed when serving ends. Only the user running
//! Terraform can reach it; TLS still pins Terraform's certificate on top.

use std::io;
use std::time::Duration;

use futures::Stream;
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpListener;
use tokio_stream::wrappers::{ReceiverStream, TcpListenerStream};
use tokio_stream::StreamExt as _;

use super::ServeError;

/// A TLS handshake that has not finished by then is dropped.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// A bound listening socket.
#[derive(Debug)]
pub enum Listener {
    Tcp(TcpListener),
    #[cfg(unix)]
    Unix(tokio::net::UnixListener),
}

impl From<TcpListener> for Listener {
    fn from(l: TcpListener) -> Self {
        Self::Tcp(l)
    }
}

#[cfg(unix)]
impl From<tokio::net::UnixListener> for Listener {
    fn from(l: tokio::net::UnixListener) -> Self {
        Self::Unix(l)
    }
}

/// A listener's address as the handshake line and `TF_REATTACH_PROVIDERS`
/// spell it: network `unix` or `tcp`, and the socket path or `host:port`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Address {
    pub network: &'static str,
    pub address: String,
}

/// The plugin's listener and the private directory holding its socket
/// (removed, socket included, when this is dropped).
#[derive(Debug)]
pub(crate) struct Bound {
    pub listener: Listener,
    pub address: Address,
    /// The socket's directory (none for TCP).
    pub dir: Option<tempfile::TempDir>,
}

/// Listens on a Unix socket in a new private directory.
#[cfg(unix)]
pub(crate) fn bind() -> Result<Bound, ServeError> {
    use std::os::unix::fs::PermissionsExt as _;
    let base = std::env::var_os("PLUGIN_UNIX_SOCKET_DIR")
        .filter(|d| !d.is_empty())
        .map_or_else(std::env::temp_dir, std::path::PathBuf::from);
    let private = std::fs::Permissions::from_mode(0o700);
    let dir = tempfile::Builder::new()
        .prefix("plugin")
        .permissions(private.clone())
        .tempdir_in(&base)
        .map_err(|e| ServeError::Listen(socket_dir_error(&base, e)))?;
    // The mode is asked for at creation; set it again so no umask or
    // filesystem default can leave the directory open to others.
    std::fs::set_permissions(dir.path(), private).map_err(ServeError::Listen)?;
    let path = dir.path().join("plugin.sock");
    let listener = tokio::net::UnixListener::bind(&path).map_err(ServeError::Listen)?;
    Ok(Bound {
        listener: Listener::Unix(listener),
        address: Address {
            network: "unix",
            address: path.display().to_string(),
        },
        dir: Some(dir),
    })
}

#[cfg(unix)]
fn socket_dir_error(base: &std::path::Path, e: io::Error) -> io::Error {
    io::Error::new(
        e.kind(),
        format!(
            "could not create a private directory for the plugin socket under {} \
             (set PLUGIN_UNIX_SOCKET_DIR to a writable directory): {e}",
            base.display()
        ),
    )
}

/// Listens on an ephemeral TCP port on loopback.
#[cfg(not(unix))]
pub(crate) fn bind() -> Result<Bound, ServeError> {
    let std = std::net::TcpListener::bind("127.0.0.1:0").map_err(ServeError::Listen)?;
    std.set_nonblocking(true).map_err(ServeError::Listen)?;
    let addr = std.local_addr().map_err(ServeError::Listen)?;
    Ok(Bound {
        listener: Listener::Tcp(TcpListener::from_std(std).map_err(ServeError::Listen)?),
        address: Address {
            network: "tcp",
            address: addr.to_string(),
        },
        dir: None,
    })
}

/// Accepted TCP connections, with Nagle's algorithm off: small gRPC
/// messages must not wait for delayed ACKs (Go's client disables it too).
pub(crate) fn tcp_incoming(
    listener: TcpListener,
) -> impl Stream<Item = io::Result<tokio::net::TcpStream>> + Send + 'static {
    TcpListenerStream::new(listener).map(|conn| {
        conn.inspect(|s| {
            let _ = s.set_nodelay(true);
        })
    })
}

/// Runs the TLS handshake on every accepted connection, each in its own
/// task so a slow or hostile peer cannot hold up the others, and yields
/// only the connections that completed it. A refused peer never reaches
/// the gRPC server.
pub(crate) fn tls_incoming<IO>(
    incoming: impl Stream<Item = io::Result<IO>> + Send + 'static,
    acceptor: tokio_rustls::TlsAcceptor,
) -> ReceiverStream<io::Result<tokio_rustls::server::TlsStream<IO>>>
where
    IO: AsyncRead + AsyncWrite + Unpin + Send + 'static,
{
    let (tx, rx) = tokio::sync::mpsc::channel(16);
    tokio::spawn(async move {
        let mut incoming = std::pin::pin!(incoming);
        loop {
            // Stop accepting once the server has dropped its end.
            let next = tokio::select! {
                next = incoming.next() => next,
                () = tx.closed() => None,
            };
            let io = match next {
                None => break,
                Some(Err(e)) => {
                    tracing::debug!("could not accept a connection: {e}");
                    continue;
                }
                Some(Ok(io)) => io,
            };
            let (acceptor, tx) = (acceptor.clone(), tx.clone());
            tokio::spawn(async move {
                match tokio::time::timeout(HANDSHAKE_TIMEOUT, acceptor.accept(io)).await {
                    Ok(Ok(tls)) => {
                        let _ = tx.send(Ok(tls)).await;
                    }
                    Ok(Err(e)) => {
                        tracing::warn!("Refused a connection: TLS handshake failed: {e}");
                    }
                    Err(_) => {
                        tracing::warn!(
                            "Refused a connection: no TLS handshake within {HANDSHAKE_TIMEOUT:?}"
                        );
                    }
                }
            });
        }
    });
    ReceiverStream::new(rx)
}
