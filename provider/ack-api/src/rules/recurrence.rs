//! The schedule of cluster inspections: an RFC 5545 recurrence rule, as
//! far as the service accepts one (a daily run at a fixed time).

use super::RuleError;

/// A schedule the service accepts: every day at `hour`:`minute` (UTC).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DailyRecurrence {
    pub hour: u8,
    pub minute: u8,
}

impl std::fmt::Display for DailyRecurrence {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "FREQ=DAILY;BYHOUR={};BYMINUTE={}",
            self.hour, self.minute
        )
    }
}

/// Checks an inspection schedule: `FREQ=DAILY`, `BYHOUR` (0-23) and
/// `BYMINUTE` (0-59), each once, separated by `;` in any order; no
/// `COUNT`/`UNTIL` (inspections do not end) and no other part.
pub fn recurrence(s: &str) -> Result<DailyRecurrence, RuleError> {
    let fail = |reason: String| RuleError::Recurrence {
        value: s.to_owned(),
        reason,
    };
    let (mut freq, mut hour, mut minute) = (None, None, None);
    for part in s.split(';') {
        let Some((name, value)) = part.split_once('=') else {
            return Err(fail(format!("{part:?} is not NAME=VALUE")));
        };
        let slot = match name {
            "FREQ" => &mut freq,
            "BYHOUR" => &mut hour,
            "BYMINUTE" => &mut minute,
            "COUNT" | "UNTIL" => {
                return Err(fail(format!(
                    "{name} is not allowed: inspections do not end"
                )))
            }
            other => return Err(fail(format!("{other:?} is not allowed"))),
        };
        if slot.replace(value).is_some() {
            return Err(fail(format!("{name} appears more than once")));
        }
    }
    match freq {
        Some("DAILY") => {}
        Some(f) => return Err(fail(format!("FREQ={f} is not allowed; only FREQ=DAILY"))),
        None => return Err(fail("FREQ is missing".into())),
    }
    let number = |name: &str, v: Option<&str>, max: u8| -> Result<u8, RuleError> {
        let v = v.ok_or_else(|| fail(format!("{name} is missing")))?;
        let ok = !v.is_empty() && v.len() <= 2 && v.bytes().all(|b| b.is_ascii_digit());
        match v.parse::<u8>() {
            Ok(n) if ok && n <= max => Ok(n),
            _ => Err(fail(format!(
                "{name}={v} is not a whole number from 0 to {max}"
            ))),
        }
    };
    Ok(DailyRecurrence {
        hour: number("BYHOUR", hour, 23)?,
        minute: number("BYMINUTE", minute, 59)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daily_rules_only() {
        let r = recurrence("FREQ=DAILY;BYHOUR=3;BYMINUTE=30").unwrap();
        assert_eq!((r.hour, r.minute), (3, 30));
        assert_eq!(r.to_string(), "FREQ=DAILY;BYHOUR=3;BYMINUTE=30");
        assert!(recurrence("BYMINUTE=0;FREQ=DAILY;BYHOUR=23").is_ok());
        for bad in [
            "",
            "FREQ=WEEKLY;BYHOUR=3;BYMINUTE=0",
            "FREQ=DAILY;BYHOUR=3",
            "FREQ=DAILY;BYMINUTE=3",
            "FREQ=DAILY;BYHOUR=24;BYMINUTE=0",
            "FREQ=DAILY;BYHOUR=3;BYMINUTE=60",
            "FREQ=DAILY;BYHOUR=3;BYMINUTE=0;COUNT=3",
            "FREQ=DAILY;BYHOUR=3;BYMINUTE=0;UNTIL=20300101T000000Z",
            "FREQ=DAILY;BYHOUR=3;BYMINUTE=0;BYDAY=MO",
            "FREQ=DAILY;FREQ=DAILY;BYHOUR=3;BYMINUTE=0",
            "FREQ=DAILY;BYHOUR=+3;BYMINUTE=0",
            "freq=daily;byhour=3;byminute=0",
        ] {
            let e = recurrence(bad).unwrap_err();
            assert!(
                e.to_string().contains("FREQ=DAILY;BYHOUR=3;BYMINUTE=0"),
                "{bad}: {e}"
            );
        }
    }
}
