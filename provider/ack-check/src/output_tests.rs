//! Reports stay well-formed and inert whatever the plan and the policies
//! hold: no raw control characters in text, well-formed XML 1.0 in JUnit.

use serde_json::json;

use super::policy::Policy;
use super::rego::RegoPolicies;
use super::report::{render, visible, Format};
use super::*;

const HOSTILE: &str =
    "x\u{1}\u{1b}[2J\u{1b}]0;owned\u{7}\r\u{8}\u{7f}\u{9b}31m\u{202e}\u{fffe}\nERROR forged";

fn hostile_report() -> Report {
    let address = format!("ack_cluster.main[\"{HOSTILE}\"]");
    let plan = json!({
        "format_version": "1.2",
        "resource_changes": [{
            "address": address, "mode": "managed", "type": "ack_cluster", "name": "main",
            "change": {"actions": ["create"], "before": null, "after_unknown": {},
                "after": {"name": "c", "edition": "pro", "deletion_protection": false,
                          "tags": {HOSTILE: HOSTILE}, "kubernetes_version": HOSTILE}}
        }]
    })
    .to_string();
    let mut rego = RegoPolicies::new();
    rego.add_source(
        "p.rego",
        "package main\n\ndeny contains msg if {\n  some r in input.resource_changes\n  msg := sprintf(\"%s: %s\", [r.address, r.change.after.kubernetes_version])\n}\n",
    )
    .unwrap();
    let policy = Policy::parse(
        "p.toml",
        &format!(
            "[[custom]]\nid = \"ORG-001\"\ndescription = \"d\"\nresource_type = \"ack_cluster\"\nattribute = \"kubernetes_version\"\nmust_equal = \"1.31\"\nmessage = {}\n",
            // A TOML basic string: JSON's escapes, and DEL escaped too.
            json!(HOSTILE).to_string().replace('\u{7f}', "\\u007f")
        ),
    )
    .unwrap();
    let r = check_with(&plan, &policy, &rego).unwrap();
    assert!(r.findings.len() >= 4, "{:?}", r.findings);
    r
}

#[test]
fn text_output_has_no_raw_control_characters() {
    let text = render(&hostile_report(), Format::Text);
    for (i, b) in text.bytes().enumerate() {
        assert!(
            b >= 0x20 || b == b'\n' || b == b'\t',
            "byte {b:#x} at {i}: {text}"
        );
        assert_ne!(b, 0x7f, "DEL at {i}");
    }
    for c in ['\u{9b}', '\u{202e}', '\u{fffe}'] {
        assert!(!text.contains(c), "{c:?} in {text}");
    }
    assert!(text.contains("x\\u{1}\\u{1b}[2J"), "shown visibly: {text}");
    assert!(
        !text.lines().any(|l| l.starts_with("ERROR forged")),
        "no forged report line: {text}"
    );
}

#[test]
fn junit_is_well_formed_xml_whatever_the_messages_hold() {
    let r = hostile_report();
    let xml = render(&r, Format::Junit);
    let doc = roxmltree::Document::parse(&xml).unwrap_or_else(|e| panic!("{e}: {xml}"));
    let failures: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .collect();
    assert_eq!(failures.len(), r.findings.len());
    assert!(failures
        .iter()
        .any(|f| f.attribute("message") == Some(visible(HOSTILE).as_str())));
    let names: Vec<&str> = doc
        .descendants()
        .filter_map(|n| n.attribute("name"))
        .collect();
    assert!(names.iter().any(|n| n.contains("\\u{1b}")), "{names:?}");
}

#[test]
fn visible_leaves_ordinary_text_alone() {
    for s in [
        "ack_node_pool.a[\"x\"]",
        "Cluster \"c\": 150 nodes > 100 — ACK Pro",
        "日本語 ✓",
    ] {
        assert_eq!(visible(s), s);
    }
    assert_eq!(visible("a\nb\tc\u{0}"), "a\\u{a}b\\u{9}c\\u{0}");
}
