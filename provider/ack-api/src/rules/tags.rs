//! Resource tags of a cluster, by Alibaba Cloud's tag rules, plus the
//! provider's reserved prefix.

use std::collections::HashSet;

use super::{chars, RuleError, Step, Violation, RESERVED_TAG_PREFIX};
use crate::model::Tag;

const MAX: usize = 128;

/// A tag key: 1-128 characters, not starting with `aliyun` or `acs:`, no URL.
pub fn tag_key(k: &str) -> Result<(), RuleError> {
    let bad = |reason| {
        Err(RuleError::TagKey {
            value: k.to_owned(),
            reason,
        })
    };
    if k.is_empty() {
        return Err(RuleError::Empty { what: "tag key" });
    }
    if chars(k) > MAX {
        return Err(RuleError::TooLong {
            what: "tag key",
            value: k.to_owned(),
            len: chars(k),
            max: MAX,
        });
    }
    let lower = k.to_ascii_lowercase();
    if lower.starts_with("aliyun") || lower.starts_with("acs:") {
        return bad("keys starting with \"aliyun\" or \"acs:\" are reserved by Alibaba Cloud");
    }
    if lower.contains("http://") || lower.contains("https://") {
        return bad("a key may not contain \"http://\" or \"https://\"");
    }
    if k.chars().any(char::is_control) {
        return bad("a key may not contain control characters");
    }
    Ok(())
}

/// A tag key set by a user: also not under the provider's prefix.
pub fn user_tag_key(k: &str) -> Result<(), RuleError> {
    tag_key(k)?;
    if k.starts_with(RESERVED_TAG_PREFIX) {
        return Err(RuleError::Reserved {
            what: "tag key",
            value: k.to_owned(),
            prefix: RESERVED_TAG_PREFIX,
        });
    }
    Ok(())
}

/// A tag value: up to 128 characters, no control characters.
pub fn tag_value(v: &str) -> Result<(), RuleError> {
    if chars(v) > MAX {
        return Err(RuleError::TooLong {
            what: "tag value",
            value: v.to_owned(),
            len: chars(v),
            max: MAX,
        });
    }
    if v.chars().any(char::is_control) {
        return Err(RuleError::Format {
            what: "tag value",
            value: v.to_owned(),
            example: "production",
        });
    }
    Ok(())
}

fn check(list: &[Tag], key: fn(&str) -> Result<(), RuleError>) -> Vec<Violation> {
    let mut out = Vec::new();
    let mut seen = HashSet::new();
    for t in list {
        let at = vec![Step::Key(t.key.clone())];
        if let Err(e) = key(&t.key).and_then(|()| tag_value(&t.value)) {
            out.push(Violation::new(at, e));
        } else if !seen.insert(t.key.as_str()) {
            out.push(Violation::new(
                at,
                RuleError::Duplicate {
                    what: "tag key",
                    value: t.key.clone(),
                },
            ));
        }
    }
    out
}

/// Tags as the API carries them (the provider's own included).
pub fn tags(list: &[Tag]) -> Vec<Violation> {
    check(list, tag_key)
}

/// Tags a user wrote: no reserved keys.
pub fn user_tags(list: &[Tag]) -> Vec<Violation> {
    check(list, user_tag_key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys() {
        assert!(tag_key("env").is_ok());
        assert!(tag_key("team:owner").is_ok());
        assert!(tag_key(&"k".repeat(128)).is_ok());
        for bad in [
            "",
            "aliyun-x",
            "acs:x",
            "ACS:x",
            "see https://x",
            "a\nb",
            &"k".repeat(129),
        ] {
            assert!(tag_key(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn reserved_prefix_is_refused_for_users_only() {
        assert!(tag_key("acklabs:create-token").is_ok());
        let e = user_tag_key("acklabs:create-token").unwrap_err();
        assert!(matches!(e, RuleError::Reserved { .. }));
        assert!(e.to_string().contains("acklabs:"), "{e}");
        assert!(user_tag_key("acklabs").is_ok());
    }

    #[test]
    fn lists() {
        let t = |k: &str, v: &str| Tag {
            key: k.into(),
            value: v.into(),
        };
        assert!(tags(&[t("a", ""), t("acklabs:create-token", "x")]).is_empty());
        assert_eq!(user_tags(&[t("acklabs:create-token", "x")]).len(), 1);
        assert_eq!(tags(&[t("a", "1"), t("a", "1")]).len(), 1);
        assert!(!tags(&[t("a", &"v".repeat(129))]).is_empty());
    }
}
