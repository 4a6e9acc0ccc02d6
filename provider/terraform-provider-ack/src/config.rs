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
            ConfigError::InvalidEndpoint(_) => "endpoint",
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
    let mut parts = r.split('-');
    let first_ok = parts
        .next()
        .is_some_and(|p| p.len() >= 2 && p.bytes().all(|b| b.is_ascii_lowercase()));
    let rest: Vec<&str> = parts.collect();
    first_ok
        && !rest.is_empty()
        && rest.iter().all(|p| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
}

pub fn valid_endpoint(e: &str) -> bool {
    let rest = e
        .strip_prefix("https://")
        .or_else(|| e.strip_prefix("http://"));
    rest.is_some_and(|r| !r.is_empty() && !r.contains(char::is_whitespace))
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
            return Err(ConfigError::InvalidEndpoint(endpoint));
        }
        let access = pick(config, "access_key", env, ENV_ACCESS_KEY);
        let secret = pick(config, "secret_key", env, ENV_SECRET_KEY);
        let credentials = match (access, secret) {
            (Some(id), Some(secret)) => Credentials {
                access_key_id: id,
                access_key_secret: Secret::new(secret),
                security_token: pick(config, "security_token", env, ENV_SECURITY_TOKEN)
                    .map(Secret::new),
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
mod tests {
    use super::*;

    fn block(pairs: &[(&str, &str)]) -> Value {
        let mut m: Vec<(&str, Value)> = [
            "endpoint",
            "region",
            "access_key",
            "secret_key",
            "security_token",
        ]
        .iter()
        .map(|k| (*k, Value::Null))
        .collect();
        for (k, v) in pairs {
            if let Some(slot) = m.iter_mut().find(|(n, _)| n == k) {
                slot.1 = Value::from(*v);
            }
        }
        Value::object(m)
    }

    #[test]
    fn block_wins_over_environment() {
        let env = [
            (ENV_REGION, "cn-beijing"),
            (ENV_ACCESS_KEY, "env-id"),
            (ENV_SECRET_KEY, "env-secret"),
        ];
        let c = ProviderConfig::resolve(
            &block(&[
                ("region", "cn-hangzhou"),
                ("access_key", "id"),
                ("secret_key", "s"),
            ]),
            &env,
        )
        .unwrap();
        assert_eq!(c.region, "cn-hangzhou");
        assert_eq!(c.credentials.access_key_id, "id");
        assert_eq!(c.endpoint, "https://cs.cn-hangzhou.aliyuncs.com");
    }

    #[test]
    fn environment_fills_gaps() {
        let env = [
            (ENV_REGION, "cn-beijing"),
            (ENV_ENDPOINT, "http://127.0.0.1:8787/"),
            (ENV_ACCESS_KEY, "env-id"),
            (ENV_SECRET_KEY, "env-secret"),
            (ENV_SECURITY_TOKEN, "tok"),
        ];
        let c = ProviderConfig::resolve(&block(&[]), &env).unwrap();
        assert_eq!(c.endpoint, "http://127.0.0.1:8787");
        assert_eq!(c.credentials.security_token, Some(Secret::new("tok")));
    }

    #[test]
    fn errors_name_the_argument() {
        let none: [(&str, &str); 0] = [];
        assert_eq!(
            ProviderConfig::resolve(&block(&[]), &none),
            Err(ConfigError::MissingRegion)
        );
        let e = ProviderConfig::resolve(
            &block(&[("region", "cn-hangzhou"), ("access_key", "a")]),
            &none,
        )
        .unwrap_err();
        assert_eq!(e, ConfigError::MissingSecretKey);
        assert_eq!(e.attribute(), "secret_key");
        let e = ProviderConfig::resolve(&block(&[("region", "Hangzhou")]), &none).unwrap_err();
        assert_eq!(e.attribute(), "region");
        let e = ProviderConfig::resolve(
            &block(&[
                ("region", "cn-hangzhou"),
                ("endpoint", "ftp://x"),
                ("access_key", "a"),
                ("secret_key", "b"),
            ]),
            &none,
        )
        .unwrap_err();
        assert_eq!(e.attribute(), "endpoint");
    }

    #[test]
    fn secrets_never_print() {
        let s = Secret::new("super-secret-value");
        assert!(!format!("{s:?}").contains("super"));
        let env = [
            (ENV_REGION, "cn-beijing"),
            (ENV_ACCESS_KEY, "id"),
            (ENV_SECRET_KEY, "super-secret-value"),
        ];
        let c = ProviderConfig::resolve(&block(&[]), &env).unwrap();
        assert!(!format!("{c:?}").contains("super-secret-value"));
    }
}
