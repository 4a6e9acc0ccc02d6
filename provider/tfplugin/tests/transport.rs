//! The plugin transport of the example provider `terraform-provider-conformance`,
//! started as Terraform starts it: a Unix socket in a private directory, and
//! AutoMTLS that lets only the holder of the pinned client certificate past
//! the TLS handshake.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/mtls.rs"]
mod support;

#[path = "support/conformance.rs"]
mod harness;

use std::io::{BufRead, BufReader};
use std::process::Stdio;

use base64::Engine as _;
use harness::{as_terraform, Plugin};

/// Starts the plugin as Terraform does, with `client_cert` for AutoMTLS, its
/// socket under `socket_dir` and debug logs in `stderr`; returns it and the
/// handshake line's fields.
fn start_as_terraform(
    client_cert: &str,
    socket_dir: &std::path::Path,
    stderr: std::fs::File,
) -> (Plugin, Vec<String>) {
    let mut cmd = as_terraform("5,6");
    cmd.env("PLUGIN_CLIENT_CERT", client_cert)
        .env("TF_LOG", "DEBUG")
        .env("PLUGIN_UNIX_SOCKET_DIR", socket_dir)
        .stdout(Stdio::piped())
        .stderr(stderr);
    let mut child = cmd.spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let parts = line.trim_end().split('|').map(str::to_owned).collect();
    (Plugin(child), parts)
}

#[test]
fn handshake_and_interrupts_as_terraform_expects() {
    let terraform = support::Identity::generate();
    let log = tempfile::tempfile().unwrap();
    let sockets = tempfile::tempdir().unwrap();
    let (guard, parts) = start_as_terraform(&terraform.pem(), sockets.path(), log);
    assert_eq!(parts.len(), 6, "{parts:?}");
    assert_eq!(&parts[..2], ["1", "6"], "{parts:?}");
    if cfg!(unix) {
        assert_eq!(parts[2], "unix", "{parts:?}");
        assert!(std::path::Path::new(&parts[3]).is_absolute());
    } else {
        assert_eq!(parts[2], "tcp", "{parts:?}");
        assert!(parts[3].starts_with("127.0.0.1:"));
    }
    assert_eq!(parts[4], "grpc");
    assert!(
        parts[5].len() > 50 && !parts[5].contains('='),
        "certificate in unpadded base64: {parts:?}"
    );
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(&parts[5])
        .unwrap();

    // Ctrl-C reaches the whole process group; the plugin must survive it.
    guard.interrupt();
    std::thread::sleep(std::time::Duration::from_millis(300));
    let mut guard = guard;
    assert!(guard.0.try_wait().unwrap().is_none(), "SIGINT is ignored");
}

#[cfg(unix)]
#[test]
fn only_terraform_gets_past_the_tls_handshake() {
    use std::os::unix::fs::PermissionsExt as _;
    let terraform = support::Identity::generate();
    let intruder = support::Identity::generate();
    let base = tempfile::tempdir().unwrap();
    let log = tempfile::NamedTempFile::new().unwrap();
    let (mut guard, parts) =
        start_as_terraform(&terraform.pem(), base.path(), log.reopen().unwrap());

    // The socket is in a directory of its own, under PLUGIN_UNIX_SOCKET_DIR,
    // that only the user can enter.
    assert_eq!(parts[2], "unix", "{parts:?}");
    let socket = std::path::PathBuf::from(&parts[3]);
    let dir = socket.parent().unwrap().to_owned();
    assert_eq!(dir.parent().unwrap(), base.path(), "{parts:?}");
    let mode = std::fs::metadata(&dir).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700, "socket directory mode {mode:o}");

    let server_cert = base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(&parts[5])
        .unwrap();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let (net, addr) = (parts[2].as_str(), parts[3].as_str());
        let no_cert = support::get_schema(net, addr, &server_cert, None).await;
        assert!(
            no_cert.is_err(),
            "a client without a certificate is refused"
        );
        let other = support::get_schema(net, addr, &server_cert, Some(intruder.presenting())).await;
        assert!(other.is_err(), "another certificate is refused");
        support::get_schema(net, addr, &server_cert, Some(terraform.presenting()))
            .await
            .unwrap();

        let ch = support::connect(net, addr, &server_cert, Some(terraform.presenting()))
            .await
            .unwrap();
        tfplugin::__private::proto::plugin::grpc_controller_client::GrpcControllerClient::new(ch)
            .shutdown(tfplugin::__private::proto::plugin::Empty {})
            .await
            .unwrap();
    });
    assert!(
        guard.wait_exit().is_some_and(|s| s.success()),
        "exits after Shutdown"
    );
    assert!(!dir.exists(), "the socket directory is removed on exit");

    let log = std::fs::read_to_string(log.path()).unwrap();
    assert_eq!(
        log.matches("Served provider schema").count(),
        1,
        "only the pinned client reached an RPC: {log}"
    );
    // (A refused channel may redial a few times: count kinds, not lines.)
    assert!(
        log.contains("TLS handshake failed: peer sent no certificates"),
        "{log}"
    );
    assert!(
        log.contains("TLS handshake failed: invalid peer certificate"),
        "{log}"
    );
}

#[test]
fn an_unusable_client_certificate_is_a_startup_error() {
    let child = as_terraform("6")
        .env(
            "PLUGIN_CLIENT_CERT",
            "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut guard = Plugin(child);
    let status = guard
        .wait_exit()
        .expect("the plugin exits instead of serving");
    assert!(!status.success());
    let mut out = (String::new(), String::new());
    std::io::Read::read_to_string(&mut guard.0.stdout.take().unwrap(), &mut out.0).unwrap();
    std::io::Read::read_to_string(&mut guard.0.stderr.take().unwrap(), &mut out.1).unwrap();
    assert!(out.0.is_empty(), "no handshake line: {}", out.0);
    assert!(
        out.1.contains("PLUGIN_CLIENT_CERT") && out.1.contains("usable client certificate"),
        "{}",
        out.1
    );
}
