//! The conformance provider's process under a real terraform: logs and schema
//! reaching Terraform, reattach in debug mode, running it by hand, plaintext
//! when Terraform disables plugin TLS, and protocol version negotiation.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use serde_json::Value as Json;
use tfplugin_testing::{ProviderSource, WorkDir};

#[path = "support/conformance.rs"]
mod harness;

use harness::*;

#[test]
fn schema_and_logs_reach_terraform() {
    let Some(mut dir) = workdir() else { return };
    configure(&dir, "");
    let run = dir.run(&["providers", "schema", "-json"]).success();
    let schema: Json = serde_json::from_slice(&run.output.stdout).unwrap();
    let p = &schema["provider_schemas"]["registry.terraform.io/example/conformance"];
    assert_eq!(p["resource_schemas"]["conformance_thing"]["version"], 1);
    assert_eq!(
        p["resource_schemas"]["conformance_thing"]["block"]["attributes"]["token"]["write_only"],
        true
    );
    assert_eq!(
        p["resource_schemas"]["conformance_thing"]["block"]["block_types"]["rule"]["nesting_mode"],
        "set"
    );
    assert_eq!(
        p["resource_schemas"]["conformance_thing"]["block"]["attributes"]["settings"]
            ["nested_type"]["nesting_mode"],
        "single"
    );
    assert_eq!(
        p["provider"]["block"]["attributes"]["store_dir"]["required"],
        true
    );

    // hclog JSON lines on stderr are parsed by Terraform (not logged raw).
    dir.set_env("TF_LOG", "DEBUG");
    let run = dir.run(&["plan", "-no-color"]).success();
    let err = run.stderr();
    assert!(
        err.contains("[DEBUG] provider.terraform-provider-conformance: Served provider schema"),
        "provider logs are parsed with their level: {err}"
    );
    assert!(
        !err.contains("plugin failed to exit gracefully"),
        "Shutdown is served: {err}"
    );
    assert!(
        err.contains("Provider serving tfplugin6") && err.contains("tls=true"),
        "Terraform started the provider with AutoMTLS: {err}"
    );
    assert!(
        !err.contains("Refused a connection"),
        "Terraform's own connections pass the pinned handshake: {err}"
    );
}

#[test]
fn reattach_to_a_provider_in_debug_mode() {
    if skip_requested() {
        return;
    }
    let mut child = Command::new(binary())
        .arg("--debug")
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    let guard = Plugin(child);
    let mut json = None;
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if let Some(rest) = line.trim().strip_prefix("TF_REATTACH_PROVIDERS='") {
            json = Some(rest.trim_end_matches('\'').to_owned());
            break;
        }
    }
    let json = json.expect("debug mode prints TF_REATTACH_PROVIDERS");
    let reattach: Json = serde_json::from_str(&json).unwrap();
    let addr = &reattach[format!("registry.terraform.io/{ADDRESS}")]["Addr"];
    let socket = std::path::PathBuf::from(addr["String"].as_str().unwrap());
    if cfg!(unix) {
        assert_eq!(addr["Network"], "unix", "{json}");
    }
    let dir = WorkDir::new(&ProviderSource::Reattach { json });
    configure(
        &dir,
        "resource \"conformance_thing\" \"r\" {\n  name = \"attached\"\n}\n",
    );
    dir.apply();
    dir.assert_empty_plan(true);
    // The same process serves every command.
    destroy_all(&dir);

    // Ctrl-C ends debug mode and removes the socket's directory.
    #[cfg(unix)]
    {
        let mut guard = guard;
        guard.interrupt();
        assert!(guard.wait_exit().is_some(), "debug mode stops on Ctrl-C");
        assert!(!socket.parent().unwrap().exists(), "{}", socket.display());
    }
    #[cfg(not(unix))]
    drop((guard, socket));
}

#[test]
fn run_by_hand_it_explains_itself() {
    let out = Command::new(binary())
        .env_remove("TF_PLUGIN_MAGIC_COOKIE")
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("This binary is a plugin"));
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout: it is reserved for the handshake"
    );
}

#[test]
fn plaintext_when_terraform_disables_plugin_tls() {
    let Some(mut dir) = workdir() else { return };
    dir.set_env("TF_DISABLE_PLUGIN_TLS", "1");
    configure(
        &dir,
        "resource \"conformance_thing\" \"p\" {\n  name = \"plain\"\n}\n",
    );
    dir.apply();
    dir.run(&["destroy", "-auto-approve", "-no-color"])
        .success();
}

#[test]
fn protocol_version_five_only_is_refused() {
    let out = as_terraform("5").output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("only version 6"));
}
