//! Bounds on what `check` reads and on what Rego policies may build.

use super::policy::{Policy, MAX_POLICY_BYTES};
use super::rego::RegoPolicies;
use super::*;

fn empty_plan() -> &'static str {
    r#"{"format_version":"1.2","resource_changes":[]}"#
}

#[test]
#[cfg(unix)]
fn the_plan_bound_is_on_what_is_read_not_on_metadata() {
    // /dev/zero says it has 0 bytes and never ends.
    let err = read_plan(std::path::Path::new("/dev/zero")).unwrap_err();
    assert!(
        matches!(err, CheckError::TooLarge { what: "plan", .. }),
        "{err}"
    );
    assert!(err.to_string().contains("larger than 128 MiB"), "{err}");

    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("plan.json");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    assert!(matches!(read_plan(&link), Err(CheckError::TooLarge { .. })));

    let small = dir.path().join("small.json");
    std::fs::write(&small, empty_plan()).unwrap();
    assert_eq!(read_plan(&small).unwrap(), empty_plan());
    let bytes = read_bounded(&small, empty_plan().len() as u64).unwrap();
    assert_eq!(bytes.len(), empty_plan().len());
    assert!(matches!(
        read_bounded(&small, empty_plan().len() as u64 - 1),
        Err(ReadError::TooLarge)
    ));
}

#[test]
#[cfg(unix)]
fn policy_files_that_never_end_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["zero.toml", "zero.yaml", "zero.rego"] {
        let link = dir.path().join(name);
        std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
        let err = if name.ends_with(".rego") {
            RegoPolicies::new().add_path(&link).unwrap_err()
        } else {
            Policy::load(&link.to_string_lossy()).unwrap_err()
        };
        assert!(
            matches!(
                err,
                CheckError::TooLarge {
                    what: "policy file",
                    ..
                }
            ),
            "{name}: {err}"
        );
        assert!(err.to_string().contains(name), "{err}");
    }
    // A directory of policies holding such a link too.
    let err = RegoPolicies::new().add_path(dir.path()).unwrap_err();
    assert!(matches!(err, CheckError::TooLarge { .. }), "{err}");
    // One byte over the limit is over it.
    let big = dir.path().join("big.toml");
    std::fs::write(&big, vec![b'#'; MAX_POLICY_BYTES as usize + 1]).unwrap();
    assert!(matches!(
        Policy::load(&big.to_string_lossy()),
        Err(CheckError::TooLarge { .. })
    ));
}

fn evaluate(policy: &str) -> Result<Report, CheckError> {
    let mut r = RegoPolicies::new();
    r.add_source("p.rego", policy)?;
    check_with(empty_plan(), &Policy::default(), &r)
}

#[test]
fn rego_builtins_that_build_huge_collections_are_refused_in_one_line() {
    for (call, says) in [
        (
            "numbers.range(1, 200000000)",
            "numbers.range would make 200000000 elements",
        ),
        (
            "numbers.range(0, -9223372036854775807)",
            "numbers.range would make 9223372036854775808 elements",
        ),
        (
            "numbers.range_step(1, 9000000000000000000, 2)",
            "numbers.range_step would make",
        ),
        (
            "net.cidr_expand(\"10.0.0.0/8\")",
            "net.cidr_expand would make 2^24 elements",
        ),
        (
            "net.cidr_expand(\"fd00::/64\")",
            "net.cidr_expand would make 2^64 elements",
        ),
    ] {
        let policy =
            format!("package main\n\ndeny contains \"x\" if {{\n  count({call}) > 0\n}}\n");
        let err = evaluate(&policy).unwrap_err().to_string();
        assert!(err.contains(says), "{call}: {err}");
        assert!(err.contains("p.rego:4:"), "names the place: {err}");
        assert!(!err.contains('\n'), "one line: {err}");
    }
}

#[test]
fn the_guarded_builtins_answer_as_the_engine_did() {
    let policy = r#"package main

deny contains "ok" if {
  numbers.range(1, 3) == [1, 2, 3]
  numbers.range(3, 1) == [3, 2, 1]
  numbers.range(5, 5) == [5]
  numbers.range_step(1, 10, 3) == [1, 4, 7, 10]
  numbers.range_step(10, 1, 3) == [10, 7, 4, 1]
  net.cidr_expand("10.0.0.0/30") == ["10.0.0.0", "10.0.0.1", "10.0.0.2", "10.0.0.3"]
  net.cidr_expand("10.0.0.7/32") == ["10.0.0.7"]
  net.cidr_expand("fd00::/127") == ["fd00::", "fd00::1"]
  count(numbers.range(1, 1000000)) == 1000000
}

deny contains "undefined" if {
  numbers.range(1.5, 3)
}
"#;
    let r = evaluate(policy).unwrap();
    let messages: Vec<&str> = r.findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(messages, ["ok"]);
}
