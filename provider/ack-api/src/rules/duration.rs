//! Operation timeouts such as `30m` or `1h30m`, parsed with overflow checks.

use std::time::Duration;

use super::RuleError;

/// The longest timeout accepted: a week. Longer values are almost certainly
/// typos, and keep deadline arithmetic far from overflow.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(7 * 24 * 3600);
const MAX_TEXT: &str = "168h (7 days)";

/// Parses `45s`, `30m`, `1h30m`: whole numbers, each followed by `h`, `m`
/// or `s`; more than zero and at most [`MAX_TIMEOUT`].
pub fn timeout(s: &str) -> Result<Duration, RuleError> {
    let bad = || RuleError::Duration(s.to_owned());
    let too_long = || RuleError::DurationTooLong {
        value: s.to_owned(),
        max: MAX_TEXT,
    };
    let mut total: u64 = 0;
    let mut num: Option<u64> = None;
    for c in s.trim().chars() {
        if let Some(d) = c.to_digit(10) {
            let n = num
                .unwrap_or(0)
                .checked_mul(10)
                .and_then(|n| n.checked_add(u64::from(d)))
                .ok_or_else(too_long)?;
            num = Some(n);
            continue;
        }
        let unit: u64 = match c {
            'h' => 3600,
            'm' => 60,
            's' => 1,
            _ => return Err(bad()),
        };
        let n = num.take().ok_or_else(bad)?;
        total = n
            .checked_mul(unit)
            .and_then(|secs| total.checked_add(secs))
            .ok_or_else(too_long)?;
    }
    if num.is_some() || total == 0 {
        return Err(bad());
    }
    let d = Duration::from_secs(total);
    if d > MAX_TIMEOUT {
        return Err(too_long());
    }
    Ok(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses() {
        assert_eq!(timeout("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(timeout("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(timeout("45s"), Ok(Duration::from_secs(45)));
        assert_eq!(timeout("168h"), Ok(MAX_TIMEOUT));
    }

    #[test]
    fn refuses() {
        for bad in [
            "", "10", "1d", "m", "0s", "0h0m", "-5m", "1.5h", "30 m", "h1",
        ] {
            assert_eq!(
                timeout(bad),
                Err(RuleError::Duration(bad.into())),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn huge_values_are_refused_not_wrapped() {
        for huge in [
            "3381903080180084463m",
            "18446744073709551615s",
            "99999999999999999999999999h",
            "169h",
            "5124095576030431h",
            "100000h100000h",
        ] {
            assert!(
                matches!(timeout(huge), Err(RuleError::DurationTooLong { .. })),
                "{huge}: {:?}",
                timeout(huge)
            );
        }
    }
}
