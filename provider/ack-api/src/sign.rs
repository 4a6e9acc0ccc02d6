//! ACS3-HMAC-SHA256 request signing (Alibaba Cloud signature V3), used by the
//! client to sign and by the emulator to verify. Pure functions over request
//! parts; no I/O.

use hmac::{Hmac, Mac};
use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};

/// What ACS3 signing percent-encodes: everything but RFC 3986's unreserved
/// characters `A-Za-z0-9-_.~` (non-ASCII bytes are always encoded).
const ACS3_ENCODE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'_')
    .remove(b'.')
    .remove(b'~');

/// The algorithm name in `Authorization`.
pub const ALGORITHM: &str = "ACS3-HMAC-SHA256";

/// SHA-256 of an empty body.
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

/// Lowercase hex SHA-256 of `bytes` (the `x-acs-content-sha256` value).
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// RFC 3986 percent-encoding: keeps `A-Za-z0-9-_.~`, encodes everything else.
pub fn percent_encode(s: &str) -> String {
    utf8_percent_encode(s, ACS3_ENCODE).to_string()
}

/// Percent-decodes `s` (`+` is kept as is); invalid escapes are kept literally.
pub fn percent_decode(s: &str) -> String {
    decode(s, false)
}

/// Decodes one component of a query string as the official SDKs encode it:
/// they send `application/x-www-form-urlencoded` (Python's `urlencode`, Go's
/// `url.QueryEscape`: a space becomes `+`, a literal `+` becomes `%2B`) while
/// they sign the RFC 3986 form (`%20`). So `+` is a space here, and `%XX` its
/// byte; invalid escapes are kept literally.
pub fn query_decode(s: &str) -> String {
    decode(s, true)
}

/// Splits a raw query string (without `?`) into decoded pairs, in order; a
/// bare `key` has an empty value. The one query decoder: the signature check
/// and the handlers both read the query through it, so what is verified is
/// exactly what is served.
pub fn parse_query(raw: &str) -> Vec<(String, String)> {
    raw.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (query_decode(k), query_decode(v))
        })
        .collect()
}

fn decode(s: &str, plus_is_space: bool) -> String {
    if plus_is_space && s.contains('+') {
        percent_decode_str(&s.replace('+', " "))
            .decode_utf8_lossy()
            .into_owned()
    } else {
        percent_decode_str(s).decode_utf8_lossy().into_owned()
    }
}

/// The names of the headers that are signed: `host`, `content-type` and every
/// `x-acs-*` header, lowercased, sorted, without repeats.
pub fn signed_header_names(headers: &[(String, String)]) -> Vec<String> {
    let mut names: Vec<String> = headers
        .iter()
        .map(|(n, _)| n.to_ascii_lowercase())
        .filter(|n| n == "host" || n == "content-type" || n.starts_with("x-acs-"))
        .collect();
    names.sort();
    names.dedup();
    names
}

/// The parts of a request that are signed.
#[derive(Debug, Clone, Copy)]
pub struct Parts<'a> {
    pub method: &'a str,
    /// The path as sent, already percent-encoded; empty means `/`.
    pub path: &'a str,
    /// Decoded query parameters.
    pub query: &'a [(String, String)],
    /// All request headers (any case); only `signed` ones are used.
    pub headers: &'a [(String, String)],
    /// Lowercase names of the signed headers, sorted.
    pub signed: &'a [String],
    /// Lowercase hex SHA-256 of the body.
    pub payload_hash: &'a str,
}

/// The canonical request of step 7 of the algorithm.
pub fn canonical_request(p: &Parts<'_>) -> String {
    let path = if p.path.is_empty() { "/" } else { p.path };
    let mut query: Vec<(String, String)> = p
        .query
        .iter()
        .map(|(k, v)| (percent_encode(k), percent_encode(v)))
        .collect();
    query.sort();
    let query: Vec<String> = query.into_iter().map(|(k, v)| format!("{k}={v}")).collect();
    let mut headers = String::new();
    for name in p.signed {
        let mut values: Vec<&str> = p
            .headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.trim())
            .collect();
        values.sort_unstable();
        headers.push_str(name);
        headers.push(':');
        headers.push_str(&values.join(","));
        headers.push('\n');
    }
    format!(
        "{}\n{path}\n{}\n{headers}\n{}\n{}",
        p.method,
        query.join("&"),
        p.signed.join(";"),
        p.payload_hash
    )
}

/// `ACS3-HMAC-SHA256\n` + hex SHA-256 of the canonical request.
pub fn string_to_sign(canonical: &str) -> String {
    format!("{ALGORITHM}\n{}", sha256_hex(canonical.as_bytes()))
}

/// HMAC-SHA256 keyed by `key` over `message`; `None` only if the key were
/// refused, which HMAC never does (it takes keys of any length).
fn mac(key: &[u8], message: &[u8]) -> Option<Hmac<Sha256>> {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).ok()?;
    mac.update(message);
    Some(mac)
}

/// Lowercase hex HMAC-SHA256 of the string to sign, keyed by the secret.
pub fn signature(secret: &str, canonical: &str) -> String {
    mac(secret.as_bytes(), string_to_sign(canonical).as_bytes())
        .map(|m| hex::encode(m.finalize().into_bytes()))
        .unwrap_or_default()
}

/// Whether `presented` (lowercase hex, as [`signature`] writes it) is the
/// signature of `canonical` under `secret`. The MAC is compared in constant
/// time by the MAC itself.
pub fn verify_signature(secret: &str, canonical: &str, presented: &str) -> bool {
    let lower_hex = presented
        .bytes()
        .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let Some(tag) = hex::decode(presented).ok().filter(|_| lower_hex) else {
        return false;
    };
    mac(secret.as_bytes(), string_to_sign(canonical).as_bytes())
        .is_some_and(|m| m.verify_slice(&tag).is_ok())
}

/// The `Authorization` header value.
pub fn authorization(access_key_id: &str, signed: &[String], signature: &str) -> String {
    format!(
        "{ALGORITHM} Credential={access_key_id},SignedHeaders={},Signature={signature}",
        signed.join(";")
    )
}

/// A parsed `Authorization` header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authorization {
    pub access_key_id: String,
    pub signed_headers: Vec<String>,
    pub signature: String,
}

/// Why a signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignError {
    #[error("the Authorization header is missing")]
    Missing,
    #[error("the Authorization header is malformed: {0}")]
    Malformed(&'static str),
    #[error("unsupported signature algorithm {0:?}")]
    Algorithm(String),
}

/// Parses `ACS3-HMAC-SHA256 Credential=…,SignedHeaders=…,Signature=…`.
pub fn parse_authorization(value: &str) -> Result<Authorization, SignError> {
    let (alg, rest) = value
        .trim()
        .split_once(' ')
        .ok_or(SignError::Malformed("no algorithm"))?;
    if alg != ALGORITHM {
        return Err(SignError::Algorithm(alg.to_owned()));
    }
    let (mut cred, mut signed, mut sig) = (None, None, None);
    for part in rest.split(',') {
        let (k, v) = part
            .trim()
            .split_once('=')
            .ok_or(SignError::Malformed("expected key=value"))?;
        match k {
            "Credential" => cred = Some(v.to_owned()),
            "SignedHeaders" => signed = Some(v.split(';').map(str::to_owned).collect::<Vec<_>>()),
            "Signature" => sig = Some(v.to_owned()),
            _ => return Err(SignError::Malformed("unknown field")),
        }
    }
    Ok(Authorization {
        access_key_id: cred.ok_or(SignError::Malformed("no Credential"))?,
        signed_headers: signed.ok_or(SignError::Malformed("no SignedHeaders"))?,
        signature: sig.ok_or(SignError::Malformed("no Signature"))?,
    })
}

/// Constant-time comparison of two secrets (a security token against the
/// configured one): both are MACed under the one key and the MACs compared
/// by the MAC's own constant-time check, so neither the contents nor the
/// lengths leak through timing.
pub fn secrets_match(want: &str, got: &str) -> bool {
    const KEY: &[u8] = b"ack-api secret comparison";
    let Some(want) = mac(KEY, want.as_bytes()) else {
        return false;
    };
    mac(KEY, got.as_bytes()).is_some_and(|m| m.verify_slice(&want.finalize().into_bytes()).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    /// The fixed-parameter vector of the V3 signature documentation.
    #[test]
    fn published_vector_one() {
        let headers = h(&[
            ("host", "ecs.cn-shanghai.aliyuncs.com"),
            ("x-acs-action", "RunInstances"),
            ("x-acs-version", "2014-05-26"),
            ("x-acs-date", "2023-10-26T10:22:32Z"),
            ("x-acs-signature-nonce", "3156853299f313e23d1673dc12e1703d"),
            ("x-acs-content-sha256", EMPTY_SHA256),
        ]);
        let query = h(&[
            (
                "ImageId",
                "win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd",
            ),
            ("RegionId", "cn-shanghai"),
        ]);
        let signed = signed_header_names(&headers);
        let parts = Parts {
            method: "POST",
            path: "/",
            query: &query,
            headers: &headers,
            signed: &signed,
            payload_hash: EMPTY_SHA256,
        };
        let canonical = canonical_request(&parts);
        assert_eq!(
            sha256_hex(canonical.as_bytes()),
            "7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259"
        );
        let sig = signature("YourAccessKeySecret", &canonical);
        assert_eq!(
            sig,
            "06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
        );
        assert!(verify_signature("YourAccessKeySecret", &canonical, &sig));
        assert_eq!(
            authorization("YourAccessKeyId", &signed, &sig),
            "ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0"
        );
    }

    /// The SDK's unit-test vector: repeated header names, empty query values, empty method.
    #[test]
    fn published_vector_two() {
        let headers = h(&[("x-acs-test", "http"), ("x-acs-TEST", "https")]);
        let query = h(&[("test", "ok"), ("empty", "")]);
        let signed = signed_header_names(&headers);
        assert_eq!(signed, ["x-acs-test"]);
        let parts = Parts {
            method: "",
            path: "",
            query: &query,
            headers: &headers,
            signed: &signed,
            payload_hash: "55e12e91650d2fec56ec74e1d3e4ddbfce2ef3a65890c2a19ecf88a307e76a23",
        };
        let canonical = canonical_request(&parts);
        assert!(canonical.contains("\nempty=&test=ok\n"));
        assert!(canonical.contains("x-acs-test:http,https\n"));
        assert_eq!(
            authorization("acesskey", &signed, &signature("secret", &canonical)),
            "ACS3-HMAC-SHA256 Credential=acesskey,SignedHeaders=x-acs-test,Signature=4ab59fffe3c5738ff8a2729f90cc04fe18b02a4b15b2102cbaf92f9ff3df2ea3"
        );
    }

    /// Computed (not published) CS-shaped vectors from the reference.
    #[test]
    fn computed_cs_vectors() {
        let base = [
            ("host", "cs.cn-hangzhou.aliyuncs.com"),
            ("x-acs-date", "2024-01-01T00:00:00Z"),
            ("x-acs-signature-nonce", "0123456789abcdef0123456789abcdef"),
            ("x-acs-version", "2015-12-15"),
        ];
        let mut headers = h(&base);
        headers.push(("x-acs-action".into(), "DescribeClusterDetail".into()));
        headers.push(("x-acs-content-sha256".into(), EMPTY_SHA256.into()));
        let signed = signed_header_names(&headers);
        let canonical = canonical_request(&Parts {
            method: "GET",
            path: "/clusters/c0123456789abcdef",
            query: &[],
            headers: &headers,
            signed: &signed,
            payload_hash: EMPTY_SHA256,
        });
        assert_eq!(
            sha256_hex(canonical.as_bytes()),
            "1cd34521a2fd7bf787b9ec03ca14411f87a16c39ea4357145bacaa2bc4bcf02d"
        );
        assert_eq!(
            signature("testsecret", &canonical),
            "47c82d1521800b90e32cdc72749a49f77d838b3c26f62793304fb9d45b4e8714"
        );

        let body = br#"{"type":"ManagedKubernetes","spec":"ack.pro.small"}"#;
        let hash = sha256_hex(body);
        assert_eq!(
            hash,
            "10095f13eceefcfd76942118a78313423771cc7d5d3814f570962c9b6c4f1422"
        );
        let mut headers = h(&base);
        headers.push(("x-acs-action".into(), "MigrateCluster".into()));
        headers.push(("x-acs-content-sha256".into(), hash.clone()));
        headers.push((
            "content-type".into(),
            "application/json; charset=utf-8".into(),
        ));
        let signed = signed_header_names(&headers);
        let canonical = canonical_request(&Parts {
            method: "POST",
            path: "/clusters/c0123456789abcdef/migrate",
            query: &[],
            headers: &headers,
            signed: &signed,
            payload_hash: &hash,
        });
        assert_eq!(
            signature("testsecret", &canonical),
            "b6941b745fa039ab27ef946fb2286c0f2f88bbb27946b0966907d3d383bb3d2d"
        );

        let mut headers = h(&base);
        headers.push(("x-acs-action".into(), "DeleteClusterNodepool".into()));
        headers.push(("x-acs-content-sha256".into(), EMPTY_SHA256.into()));
        let signed = signed_header_names(&headers);
        let query = h(&[("force", "true")]);
        let canonical = canonical_request(&Parts {
            method: "DELETE",
            path: "/clusters/c0123456789abcdef/nodepools/np0123",
            query: &query,
            headers: &headers,
            signed: &signed,
            payload_hash: EMPTY_SHA256,
        });
        assert_eq!(
            signature("testsecret", &canonical),
            "15163daeaca66109e64a67c03f79869484a4086289561d9c8de1570f10fb5755"
        );
    }

    /// Computed with the official Python SDK's signer
    /// (`alibabacloud_tea_openapi.utils.Utils.get_authorization`, 0.4.6): the
    /// SDK signs `name=a%20b%2Bc%2A~` and sends `name=a+b%2Bc%2A~`.
    #[test]
    fn query_as_the_official_sdk_sends_it() {
        let query = parse_query("name=a+b%2Bc%2A~&page_size=10");
        assert_eq!(query[0], ("name".to_owned(), "a b+c*~".to_owned()));
        let headers = h(&[
            ("host", "cs.cn-hangzhou.aliyuncs.com"),
            ("x-acs-action", "DescribeClustersV1"),
            ("x-acs-version", "2015-12-15"),
            ("x-acs-date", "2024-01-01T00:00:00Z"),
            ("x-acs-signature-nonce", "0123456789abcdef0123456789abcdef"),
            ("x-acs-content-sha256", EMPTY_SHA256),
        ]);
        let signed = signed_header_names(&headers);
        let canonical = canonical_request(&Parts {
            method: "GET",
            path: "/api/v1/clusters",
            query: &query,
            headers: &headers,
            signed: &signed,
            payload_hash: EMPTY_SHA256,
        });
        assert!(canonical.contains("\nname=a%20b%2Bc%2A~&page_size=10\n"));
        assert_eq!(
            signature("testsecret", &canonical),
            "27a863fdb56ab7b7229d7b39f123ae74e1ec98d93b6c1eb41204842cf1a11084"
        );
        // Our own client sends the RFC 3986 form; it decodes to the same pairs.
        assert_eq!(parse_query("name=a%20b%2Bc%2A~&page_size=10"), query);
        assert_eq!(parse_query("force&x="), h(&[("force", ""), ("x", "")]));
        assert_eq!(query_decode("100%"), "100%");
    }

    #[test]
    fn authorization_parses_back() {
        let a = parse_authorization(
            "ACS3-HMAC-SHA256 Credential=id,SignedHeaders=host;x-acs-date,Signature=abc",
        )
        .unwrap();
        assert_eq!(a.access_key_id, "id");
        assert_eq!(a.signed_headers, ["host", "x-acs-date"]);
        assert!(parse_authorization("acs id:sig").is_err());
        assert!(parse_authorization("ACS3-HMAC-SHA256 Credential=id").is_err());
        assert!(secrets_match("abc", "abc") && !secrets_match("abc", "abd"));
        assert!(!secrets_match("abc", "abcd") && !secrets_match("", "a"));
        let canonical = "GET\n/\n\nhost:h\n\nhost\n".to_owned() + EMPTY_SHA256;
        let sig = signature("k", &canonical);
        assert!(verify_signature("k", &canonical, &sig));
        assert!(!verify_signature("x", &canonical, &sig));
        assert!(!verify_signature(
            "k",
            &canonical,
            &sig.to_ascii_uppercase()
        ));
        assert!(!verify_signature("k", &canonical, &sig[..62]));
        assert!(!verify_signature("k", &canonical, "zz"));
        assert_eq!(percent_encode("a b*~"), "a%20b%2A~");
        assert_eq!(percent_decode("a%20b%2A~"), "a b*~");
        assert_eq!(percent_decode("a+b%2"), "a+b%2");
        assert_eq!(percent_encode("é/-_.~!'()"), "%C3%A9%2F-_.~%21%27%28%29");
    }

    /// The encoding ACS3 signing used before `percent-encoding`: keep
    /// `A-Za-z0-9-_.~`, `%XX` (uppercase) for every other byte.
    fn former_percent_encode(s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        for b in s.bytes() {
            if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
                out.push(b as char);
            } else {
                out.push_str(&format!("%{b:02X}"));
            }
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn percent_encoding_is_unchanged(s in "\\PC{0,24}", bytes in proptest::collection::vec(0u8..128, 0..24)) {
            let ascii = String::from_utf8(bytes).unwrap();
            for s in [s, ascii] {
                proptest::prop_assert_eq!(percent_encode(&s), former_percent_encode(&s));
                proptest::prop_assert_eq!(percent_decode(&percent_encode(&s)), s.clone());
                proptest::prop_assert_eq!(query_decode(&percent_encode(&s)), s);
            }
        }
    }
}
