//! The maintenance window of an ACK Pro cluster.

use std::collections::HashSet;

use super::{RuleError, Step, Violation};
use crate::model::MaintenanceWindow;

const DAYS: [&str; 7] = [
    "Monday",
    "Tuesday",
    "Wednesday",
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
];

fn two_digits(s: &str, max: u8) -> bool {
    s.len() == 2 && s.bytes().all(|b| b.is_ascii_digit()) && s.parse::<u8>().is_ok_and(|n| n <= max)
}

/// Start of the window: `HH:MM:SSZ` (UTC; `HH:MM:SS` and `HH:MM` also
/// accepted) or an RFC 3339 date-time as the service reports it.
pub fn maintenance_time(s: &str) -> Result<(), RuleError> {
    if chrono::DateTime::parse_from_rfc3339(s).is_ok() {
        return Ok(());
    }
    let t = s.strip_suffix('Z').unwrap_or(s);
    let parts: Vec<&str> = t.split(':').collect();
    let ok = matches!(parts.len(), 2 | 3)
        && two_digits(parts[0], 23)
        && two_digits(parts[1], 59)
        && parts.get(2).is_none_or(|sec| two_digits(sec, 59));
    if ok {
        Ok(())
    } else {
        Err(RuleError::MaintenanceTime(s.to_owned()))
    }
}

/// Length of the window: whole hours, `1h` to `24h`.
pub fn maintenance_duration(s: &str) -> Result<(), RuleError> {
    let ok = s.strip_suffix('h').is_some_and(|n| {
        !n.is_empty()
            && n.len() <= 2
            && n.bytes().all(|b| b.is_ascii_digit())
            && n.parse::<u8>().is_ok_and(|h| (1..=24).contains(&h))
    });
    if ok {
        Ok(())
    } else {
        Err(RuleError::MaintenanceDuration(s.to_owned()))
    }
}

/// Days of the window: day names separated by commas, each at most once.
pub fn weekly_period(s: &str) -> Result<(), RuleError> {
    let mut seen = HashSet::new();
    let ok = !s.is_empty() && s.split(',').all(|d| DAYS.contains(&d) && seen.insert(d));
    if ok {
        Ok(())
    } else {
        Err(RuleError::WeeklyPeriod(s.to_owned()))
    }
}

/// An enabled window: all three fields. A disabled one is not checked.
pub fn maintenance_window(w: &MaintenanceWindow) -> Vec<Violation> {
    if !w.enable {
        return Vec::new();
    }
    [
        ("maintenance_time", maintenance_time(&w.maintenance_time)),
        ("duration", maintenance_duration(&w.duration)),
        ("weekly_period", weekly_period(&w.weekly_period)),
    ]
    .into_iter()
    .filter_map(|(f, r)| r.err().map(|e| Violation::new(vec![Step::Field(f)], e)))
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        for good in [
            "03:00:00Z",
            "23:59:59Z",
            "00:00",
            "12:30:00",
            "2020-10-15T12:31:00.000+08:00",
        ] {
            assert!(maintenance_time(good).is_ok(), "{good}");
        }
        for bad in [
            "25:99",
            "24:00:00Z",
            "3:00",
            "03:60:00Z",
            "03:00:60Z",
            "",
            "noon",
            "03:00:00:00",
            "+3:00",
        ] {
            assert!(maintenance_time(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn durations() {
        for good in ["1h", "3h", "24h"] {
            assert!(maintenance_duration(good).is_ok(), "{good}");
        }
        for bad in [
            "forever", "0h", "25h", "h", "3", "1h30m", "+3h", "003h", "-1h",
        ] {
            assert!(maintenance_duration(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn periods() {
        assert!(weekly_period("Monday").is_ok());
        assert!(weekly_period("Monday,Thursday,Sunday").is_ok());
        for bad in [
            "Funday",
            "",
            "Monday,",
            "Monday,Monday",
            "monday",
            "Monday, Tuesday",
        ] {
            assert!(weekly_period(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn windows() {
        let mut w = MaintenanceWindow {
            enable: true,
            maintenance_time: "25:99".into(),
            duration: "forever".into(),
            weekly_period: "Funday".into(),
        };
        assert_eq!(maintenance_window(&w).len(), 3);
        w.enable = false;
        assert!(maintenance_window(&w).is_empty());
    }
}
