//! Provider configuration: the `provider "ack"` block, with environment
//! fallbacks. Resolving it makes no network call.

use std::fmt;

use tfplugin::{AttributePath, Diagnostic, Value};

/// Environment variables read when an argument is not set in the block.
pub const ENV_ENDPOINT: &str = "ACK_ENDPOINT";
pub const ENV_REGION: &str = "ALIBABA_CLOUD_REGION_ID";
pub const ENV_ACCESS_KEY: &str = "ALIBABA_CLOUD_ACCESS_KEY_ID";
pub const ENV_SECRET_KEY: &str = "ALIBABA_CLOUD_ACCESS_KEY_SECRET";
pub const ENV_SECURITY_TOKEN: &str = "ALIBABA_CLOUD_SECURITY_TOKEN";
pub const ENV_INSECURE: &str = "ACK_INSECURE";

/// A secret string: never printed, not even by `{:?}`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    /// The secret itself, for signing requests only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Credentials for signing API requests.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    pub access_key_id: String,
    pub access_key_secret: Secret,
    pub security_token: Option<Secret>,
}

/// The resolved provider configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderConfig {
    pub endpoint: String,
    pub region: String,
    pub credentials: Credentials,
}

/// A configuration that cannot be used, with the argument at fault.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ConfigError {
    #[error("no region: set `region` in the provider block or {ENV_REGION} in the environment")]
    MissingRegion,
    #[error("invalid region {0:?}: expected a region ID such as \"cn-hangzhou\"")]
    InvalidRegion(String),
    #[error("invalid endpoint {0:?}: expected an http:// or https:// URL such as \"http://127.0.0.1:8787\"")]
    InvalidEndpoint(String),
    #[error("the endpoint {0:?} carries a user name or password: the ACK API authenticates each request with the signed access key, and a password in the URL would be sent and shown in logs; remove the `user:password@` part")]
    EndpointUserInfo(String),
    #[error("`{argument}` (or {env}) {reason}: it is sent in a request header, which allows only visible ASCII characters; copy the value again without the extra characters")]
    InvalidCredential {
        argument: &'static str,
        env: &'static str,
        reason: &'static str,
    },
    #[error(
        "the endpoint sends requests over plain http:// to {0}, which is not this machine: request signatures and the \
         STS security token would cross the network unencrypted. Use an https:// endpoint; for an endpoint on a \
         network you trust (such as an emulator on another host), set `insecure = true` in the provider block or \
         {ENV_INSECURE}=true. Plain http:// to 127.0.0.1, ::1 or localhost needs neither"
    )]
    PlainHttp(String),
    #[error("{ENV_INSECURE}={0:?} is not a boolean: use true or false")]
    InvalidInsecure(String),
    #[error(
        "no credentials: set `access_key` and `secret_key` in the provider block, or {ENV_ACCESS_KEY} and {ENV_SECRET_KEY} in the environment"
    )]
    MissingCredentials,
    #[error("`access_key` is set but `secret_key` is not (or {ENV_SECRET_KEY}); set both")]
    MissingSecretKey,
    #[error("`secret_key` is set but `access_key` is not (or {ENV_ACCESS_KEY}); set both")]
    MissingAccessKey,
}

impl ConfigError {
    /// The provider argument the error is about.
    pub fn attribute(&self) -> &'static str {
        match self {
            ConfigError::MissingRegion | ConfigError::InvalidRegion(_) => "region",
            ConfigError::InvalidEndpoint(_)
            | ConfigError::EndpointUserInfo(_)
            | ConfigError::PlainHttp(_) => "endpoint",
            ConfigError::InvalidCredential { argument, .. } => argument,
            ConfigError::InvalidInsecure(_) => "insecure",
            ConfigError::MissingCredentials | ConfigError::MissingAccessKey => "access_key",
            ConfigError::MissingSecretKey => "secret_key",
        }
    }

    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic::error("Invalid provider configuration", self.to_string())
            .at(AttributePath::attr(self.attribute()))
    }
}

/// Where settings come from besides the block: the environment, or a map in tests.
pub trait Env {
    fn get(&self, key: &str) -> Option<String>;
}

/// The process environment.
#[derive(Debug, Clone, Copy)]
pub struct ProcessEnv;

impl Env for ProcessEnv {
    fn get(&self, key: &str) -> Option<String> {
        std::env::var(key).ok().filter(|v| !v.trim().is_empty())
    }
}

impl<const N: usize> Env for [(&str, &str); N] {
    fn get(&self, key: &str) -> Option<String> {
        self.iter()
            .find(|(k, _)| *k == key)
            .map(|(_, v)| (*v).to_owned())
    }
}

fn pick(config: &Value, name: &str, env: &dyn Env, var: &str) -> Option<String> {
    config
        .get(name)
        .and_then(Value::as_str)
        .map(str::to_owned)
        .filter(|s| !s.trim().is_empty())
        .or_else(|| env.get(var))
}

/// The default API endpoint of a region.
pub fn default_endpoint(region: &str) -> String {
    format!("https://cs.{region}.aliyuncs.com")
}

pub fn valid_region(r: &str) -> bool {
    ack_api::rules::region_id(r).is_ok()
}

/// An http:// or https:// URL with a host, as the HTTP client parses it.
pub fn valid_endpoint(e: &str) -> bool {
    !e.contains(char::is_whitespace)
        && url::Url::parse(e)
            .is_ok_and(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
}

/// Whether the endpoint URL carries a user name or password.
pub fn has_user_info(e: &str) -> bool {
    url::Url::parse(e).is_ok_and(|u| !u.username().is_empty() || u.password().is_some())
}

/// What is wrong with a credential that goes into a request header (the
/// access key ID, the STS token), without showing it; `None` when fine.
pub fn credential_problem(value: &str) -> Option<&'static str> {
    if value.contains(['\n', '\r']) {
        Some("contains a line break")
    } else if value.chars().any(|c| c.is_whitespace() || c.is_control()) {
        Some("contains a space or a control character")
    } else if !value.is_ascii() {
        Some("contains characters outside ASCII")
    } else {
        None
    }
}

/// The host of a plain http:// endpoint that is not on this machine (so
/// only `insecure = true` allows it); `None` for https://, for loopback
/// addresses (127.0.0.0/8, ::1) and `localhost`, and for what is no URL.
pub fn remote_plain_http(e: &str) -> Option<String> {
    let u = url::Url::parse(e).ok()?;
    if u.scheme() != "http" {
        return None;
    }
    let local = match u.host()? {
        url::Host::Domain(d) => {
            d.eq_ignore_ascii_case("localhost") || d.eq_ignore_ascii_case("localhost.")
        }
        url::Host::Ipv4(ip) => ip.is_loopback(),
        url::Host::Ipv6(ip) => {
            ip.is_loopback() || ip.to_ipv4_mapped().is_some_and(|v4| v4.is_loopback())
        }
    };
    (!local).then(|| u.host_str().unwrap_or_default().to_owned())
}

/// `insecure` from the block, else from the environment; `false` by default.
fn insecure(config: &Value, env: &dyn Env) -> Result<bool, ConfigError> {
    if let Some(b) = config.get("insecure").and_then(Value::as_bool) {
        return Ok(b);
    }
    match env.get(ENV_INSECURE) {
        None => Ok(false),
        Some(v) => match v.trim().to_ascii_lowercase().as_str() {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(ConfigError::InvalidInsecure(v)),
        },
    }
}

/// The plain-HTTP check on what is known of the block (for validation, where
/// values may still be unknown: then nothing is said).
pub fn check_transport(config: &Value, env: &dyn Env) -> Result<(), ConfigError> {
    let unknown = |n: &str| config.get(n).is_some_and(Value::is_unknown);
    if unknown("endpoint") || unknown("insecure") {
        return Ok(());
    }
    let Some(endpoint) = pick(config, "endpoint", env, ENV_ENDPOINT) else {
        return Ok(());
    };
    match remote_plain_http(&endpoint) {
        Some(host) if !insecure(config, env)? => Err(ConfigError::PlainHttp(host)),
        _ => Ok(()),
    }
}

impl ProviderConfig {
    /// Resolves the block (all values known) against the environment.
    pub fn resolve(config: &Value, env: &dyn Env) -> Result<ProviderConfig, ConfigError> {
        let region = pick(config, "region", env, ENV_REGION).ok_or(ConfigError::MissingRegion)?;
        if !valid_region(&region) {
            return Err(ConfigError::InvalidRegion(region));
        }
        let endpoint = pick(config, "endpoint", env, ENV_ENDPOINT)
            .unwrap_or_else(|| default_endpoint(&region));
        if !valid_endpoint(&endpoint) {
            return Err(ConfigError::InvalidEndpoint(ack_client::redact_url(
                &endpoint,
            )));
        }
        if has_user_info(&endpoint) {
            return Err(ConfigError::EndpointUserInfo(ack_client::redact_url(
                &endpoint,
            )));
        }
        if let Some(host) = remote_plain_http(&endpoint) {
            if !insecure(config, env)? {
                return Err(ConfigError::PlainHttp(host));
            }
        }
        let access = pick(config, "access_key", env, ENV_ACCESS_KEY);
        let secret = pick(config, "secret_key", env, ENV_SECRET_KEY);
        let token = pick(config, "security_token", env, ENV_SECURITY_TOKEN);
        for (argument, env, value) in [
            ("access_key", ENV_ACCESS_KEY, &access),
            ("security_token", ENV_SECURITY_TOKEN, &token),
        ] {
            if let Some(reason) = value.as_deref().and_then(credential_problem) {
                return Err(ConfigError::InvalidCredential {
                    argument,
                    env,
                    reason,
                });
            }
        }
        let credentials = match (access, secret) {
            (Some(id), Some(secret)) => Credentials {
                access_key_id: id,
                access_key_secret: Secret::new(secret),
                security_token: token.map(Secret::new),
            },
            (None, None) => return Err(ConfigError::MissingCredentials),
            (Some(_), None) => return Err(ConfigError::MissingSecretKey),
            (None, Some(_)) => return Err(ConfigError::MissingAccessKey),
        };
        Ok(ProviderConfig {
            endpoint: endpoint.trim_end_matches('/').to_owned(),
            region,
            credentials,
        })
    }
}

#[cfg(test)]
#[path = "config_tests.rs"]
mod tests;
