//! Tests of `config`.
use super::*;

fn block(pairs: &[(&str, &str)]) -> Value {
    let mut m: Vec<(&str, Value)> = [
        "endpoint",
        "region",
        "access_key",
        "secret_key",
        "security_token",
        "insecure",
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

/// Regression (#23): an STS token with a newline gave "could not reach
/// the ACK API…: builder error"; now configure says what is wrong with
/// it, without showing it.
#[test]
fn unusable_credentials_are_named_without_their_value() {
    for (token, reason) in [
        ("abc\ndef", "line break"),
        ("abc def", "space"),
        ("abc\u{7}", "control"),
        ("abcé", "ASCII"),
    ] {
        let cfg = block(&[
            ("region", "cn-hangzhou"),
            ("access_key", "id"),
            ("secret_key", "s"),
            ("security_token", token),
        ]);
        let e = ProviderConfig::resolve(&cfg, &[]).unwrap_err();
        assert_eq!(e.attribute(), "security_token");
        let text = e.to_string();
        assert!(text.contains(reason), "{text}");
        assert!(!text.contains("abc"), "the value is not shown: {text}");
    }
    let cfg = block(&[
        ("region", "cn-hangzhou"),
        ("access_key", "i d"),
        ("secret_key", "s"),
    ]);
    assert_eq!(
        ProviderConfig::resolve(&cfg, &[]).unwrap_err().attribute(),
        "access_key"
    );
}

/// Regression (#23): a password in the endpoint URL appeared in a
/// warning and in DEBUG logs; it is refused, and never shown.
#[test]
fn a_password_in_the_endpoint_is_refused_and_never_shown() {
    let cfg = block(&[
        ("region", "cn-hangzhou"),
        ("endpoint", "http://user:hunter2@127.0.0.1:8787"),
        ("access_key", "id"),
        ("secret_key", "s"),
    ]);
    let e = ProviderConfig::resolve(&cfg, &[]).unwrap_err();
    assert_eq!(e.attribute(), "endpoint");
    let text = e.to_string();
    assert!(
        !text.contains("hunter2") && !text.contains("user:hunter2"),
        "{text}"
    );
    let bad = block(&[
        ("region", "cn-hangzhou"),
        ("endpoint", "ftp://u:hunter2@x y"),
    ]);
    let text = ProviderConfig::resolve(&bad, &[]).unwrap_err().to_string();
    assert!(!text.contains("hunter2"), "{text}");
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
fn plain_http_only_to_this_machine() {
    for local in [
        "http://127.0.0.1:8787",
        "http://127.1.2.3",
        "http://localhost:8787/",
        "http://LOCALHOST",
        "http://[::1]:8787",
        "http://[::ffff:127.0.0.1]:1",
        "https://cs.cn-hangzhou.aliyuncs.com",
        "https://10.0.0.1",
    ] {
        assert_eq!(remote_plain_http(local), None, "{local}");
    }
    for remote in [
        "http://10.0.0.1:8787",
        "http://cs.cn-hangzhou.aliyuncs.com",
        "http://localhost.evil.example",
        "http://127.0.0.1@evil.example/",
        "http://[::2]",
        "http://0.0.0.0:8787",
        "http://128.0.0.1",
    ] {
        assert!(remote_plain_http(remote).is_some(), "{remote}");
    }
    // What the HTTP client would connect to decides, not the text.
    assert_eq!(remote_plain_http("http://2130706433/"), None);
    assert_eq!(remote_plain_http("http://user:pw@127.0.0.1/"), None);
}

#[test]
fn insecure_allows_remote_plain_http() {
    let none: [(&str, &str); 0] = [];
    let base = [
        ("region", "cn-hangzhou"),
        ("access_key", "a"),
        ("secret_key", "b"),
        ("endpoint", "http://192.0.2.7:8787"),
    ];
    let e = ProviderConfig::resolve(&block(&base), &none).unwrap_err();
    assert_eq!(e.attribute(), "endpoint");
    let text = e.to_string();
    assert!(
        text.contains("192.0.2.7") && text.contains("insecure = true"),
        "{text}"
    );
    assert!(
        !text.contains("pw"),
        "no credentials from the URL in messages: {text}"
    );
    let mut cfg = block(&base);
    if let Some(v) = cfg.get_mut("insecure") {
        *v = Value::from(true);
    }
    assert!(ProviderConfig::resolve(&cfg, &none).is_ok());
    assert!(ProviderConfig::resolve(&block(&base), &[(ENV_INSECURE, "true")]).is_ok());
    // The block wins over the environment.
    if let Some(v) = cfg.get_mut("insecure") {
        *v = Value::from(false);
    }
    assert!(ProviderConfig::resolve(&cfg, &[(ENV_INSECURE, "true")]).is_err());
    let e = ProviderConfig::resolve(&block(&base), &[(ENV_INSECURE, "yes please")]).unwrap_err();
    assert_eq!(e.attribute(), "insecure");
    // The environment's endpoint is held to the same rule.
    let env = [(ENV_ENDPOINT, "http://192.0.2.7")];
    let e = ProviderConfig::resolve(&block(&base[..3]), &env).unwrap_err();
    assert_eq!(e, ConfigError::PlainHttp("192.0.2.7".into()));
}

#[test]
fn validation_checks_transport_only_when_known() {
    let none: [(&str, &str); 0] = [];
    let mut cfg = block(&[("endpoint", "http://192.0.2.7")]);
    assert!(check_transport(&cfg, &none).is_err());
    if let Some(v) = cfg.get_mut("insecure") {
        *v = Value::unknown();
    }
    assert!(check_transport(&cfg, &none).is_ok());
    assert!(check_transport(&block(&[("endpoint", "http://127.0.0.1:1")]), &none).is_ok());
    assert!(check_transport(&block(&[]), &none).is_ok());
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
