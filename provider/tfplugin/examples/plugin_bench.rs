//! Whole-process benchmark of plugin binaries, run side by side:
//!
//!   cargo run --release -p tfplugin --example plugin-bench -- [--runs N] BINARY...
//!
//! For each binary, N times: start it as Terraform does (magic cookie,
//! AutoMTLS with a client certificate), time exec → handshake line, read its
//! resident memory right after the handshake, connect over TLS, time the
//! first and the following GetProviderSchema calls, then ask it to shut down
//! through GRPCController and time its exit. Prints medians.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use hyper_util::rt::TokioIo;
use tfplugin::__private::proto::plugin::{grpc_controller_client::GrpcControllerClient, Empty};
use tfplugin::__private::proto::tfplugin6::{get_provider_schema, provider_client::ProviderClient};
use tonic::transport::{Channel, Endpoint};

struct Sample {
    handshake: Duration,
    rss_kib: u64,
    rss_after_schema_kib: u64,
    schema_first: Duration,
    schema_warm: Duration,
    schema_bytes: usize,
    exit: Duration,
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn client_identity() -> (String, String) {
    let key = rcgen::KeyPair::generate().unwrap();
    let mut params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).unwrap();
    params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    params.extended_key_usages = vec![
        rcgen::ExtendedKeyUsagePurpose::ClientAuth,
        rcgen::ExtendedKeyUsagePurpose::ServerAuth,
    ];
    params.key_usages = vec![
        rcgen::KeyUsagePurpose::DigitalSignature,
        rcgen::KeyUsagePurpose::KeyEncipherment,
        rcgen::KeyUsagePurpose::KeyCertSign,
    ];
    let cert = params.self_signed(&key).unwrap();
    (cert.pem(), key.serialize_pem())
}

async fn channel(network: &str, addr: &str) -> Channel {
    let (network, addr) = (network.to_owned(), addr.to_owned());
    Endpoint::from_static("http://localhost")
        .connect_with_connector(tower::service_fn(move |_| {
            let (network, addr) = (network.clone(), addr.clone());
            async move {
                let io: Box<dyn Io> = if network == "unix" {
                    Box::new(tokio::net::UnixStream::connect(addr).await?)
                } else {
                    let s = tokio::net::TcpStream::connect(addr).await?;
                    s.set_nodelay(true)?;
                    Box::new(s)
                };
                Ok::<_, std::io::Error>(TokioIo::new(io))
            }
        }))
        .await
        .unwrap()
}

trait Io: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send {}
impl<T: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send> Io for T {}

/// Starts the plugin as Terraform does; returns the child and the handshake
/// fields. `client_cert` turns AutoMTLS on.
fn spawn(bin: &PathBuf, client_cert: Option<&str>) -> (std::process::Child, Duration, Vec<String>) {
    let start = Instant::now();
    let mut cmd = Command::new(bin);
    cmd.env(
        "TF_PLUGIN_MAGIC_COOKIE",
        tfplugin::server::MAGIC_COOKIE_VALUE,
    )
    .env("PLUGIN_PROTOCOL_VERSIONS", "6")
    .env("PLUGIN_MIN_PORT", "10000")
    .env("PLUGIN_MAX_PORT", "25000")
    .env("PLUGIN_CLIENT_CERT", client_cert.unwrap_or(""))
    .env_remove("TF_LOG")
    .env_remove("TF_LOG_PROVIDER")
    .stdin(Stdio::null())
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    let mut child = cmd.spawn().unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let took = start.elapsed();
    let parts: Vec<String> = line.trim().split('|').map(str::to_owned).collect();
    assert!(parts.len() >= 6, "unexpected handshake {line:?}");
    (child, took, parts)
}

async fn one_run(bin: &PathBuf, id: &(String, String)) -> Sample {
    // Phase 1, as Terraform starts it (AutoMTLS): handshake time and memory.
    let (mut child, handshake, parts) = spawn(bin, Some(&id.0));
    assert!(
        parts[5].len() > 50,
        "a certificate is printed under AutoMTLS"
    );
    let rss = rss_kib(child.id());
    let _ = child.kill();
    let _ = child.wait();

    // Phase 2, plaintext (the Go server's P-521 TLS is beyond rustls/ring):
    // GetProviderSchema latency, memory after it, exit after Shutdown.
    let (mut child, _, parts) = spawn(bin, None);
    let pid = child.id();
    let ch = channel(&parts[2], &parts[3]).await;
    let mut client = ProviderClient::new(ch.clone()).max_decoding_message_size(usize::MAX);
    let t = Instant::now();
    let first = client
        .get_provider_schema(get_provider_schema::Request {})
        .await
        .unwrap()
        .into_inner();
    let schema_first = t.elapsed();
    let schema_bytes = prost::Message::encoded_len(&first);
    let mut warm = Vec::new();
    for _ in 0..50 {
        let t = Instant::now();
        client
            .get_provider_schema(get_provider_schema::Request {})
            .await
            .unwrap();
        warm.push(t.elapsed());
    }
    let rss_after_schema = rss_kib(pid);
    let t = Instant::now();
    let _ = GrpcControllerClient::new(ch).shutdown(Empty {}).await;
    drop(client);
    let exit = loop {
        if child.try_wait().unwrap().is_some() {
            break t.elapsed();
        }
        if t.elapsed() > Duration::from_secs(5) {
            let _ = child.kill();
            let _ = child.wait();
            break t.elapsed();
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    };
    Sample {
        handshake,
        rss_kib: rss,
        rss_after_schema_kib: rss_after_schema,
        schema_first,
        schema_warm: median(warm),
        schema_bytes,
        exit,
    }
}

#[tokio::main]
async fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut runs = 15;
    if let Some(i) = args.iter().position(|a| a == "--runs") {
        runs = args.get(i + 1).and_then(|n| n.parse().ok()).unwrap_or(15);
        args.drain(i..=i + 1);
    }
    if args.is_empty() {
        eprintln!("usage: plugin-bench [--runs N] BINARY...");
        std::process::exit(2);
    }
    let id = client_identity();
    println!(
        "| binary | handshake (median) | RSS after handshake | RSS after schema | GetProviderSchema first | GetProviderSchema warm (median) | schema size | exit after Shutdown |"
    );
    println!("|---|---|---|---|---|---|---|---|");
    // Interleave binaries run by run so that both see the same machine state.
    let bins: Vec<PathBuf> = args.iter().map(PathBuf::from).collect();
    let mut samples: Vec<Vec<Sample>> = bins.iter().map(|_| Vec::new()).collect();
    for _ in 0..runs {
        for (i, b) in bins.iter().enumerate() {
            samples[i].push(one_run(b, &id).await);
        }
    }
    for (b, s) in bins.iter().zip(samples) {
        let name = b.file_name().unwrap_or_default().to_string_lossy();
        let mut rss: Vec<u64> = s.iter().map(|x| x.rss_kib).collect();
        rss.sort_unstable();
        let mut rss2: Vec<u64> = s.iter().map(|x| x.rss_after_schema_kib).collect();
        rss2.sort_unstable();
        println!(
            "| {name} | {:.2} ms | {:.1} MB | {:.1} MB | {:.3} ms | {:.3} ms | {} B | {:.1} ms |",
            median(s.iter().map(|x| x.handshake).collect()).as_secs_f64() * 1e3,
            rss[rss.len() / 2] as f64 / 1024.0,
            rss2[rss2.len() / 2] as f64 / 1024.0,
            median(s.iter().map(|x| x.schema_first).collect()).as_secs_f64() * 1e3,
            median(s.iter().map(|x| x.schema_warm).collect()).as_secs_f64() * 1e3,
            s[0].schema_bytes,
            median(s.iter().map(|x| x.exit).collect()).as_secs_f64() * 1e3,
        );
    }
}
