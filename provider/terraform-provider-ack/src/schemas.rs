//! `terraform-provider-ack schema [--out DIR | --check DIR]`: the provider
//! schema as `terraform providers schema -json` prints it, a JSON Schema of
//! each resource's, data source's and ephemeral resource's configuration
//! (for editors and policy tools), each function's signature (as
//! `terraform providers schema -json` prints it), and the JSON Schema of the
//! `check` report.

use std::path::Path;

use serde_json::{json, Map, Value as Json};
use tfplugin::framework::Provider;
use tfplugin::schema::{Attribute, AttributeType, Block, Nesting};
use tfplugin::Type;

use crate::provider::{AckProvider, ADDRESS};

/// Every generated file: (relative path, pretty JSON).
pub fn files() -> Vec<(String, String)> {
    let provider = AckProvider::new();
    let pretty = |v: &Json| serde_json::to_string_pretty(v).unwrap_or_default() + "\n";
    let mut out = vec![(
        "provider.json".to_owned(),
        pretty(&tfplugin::schema_json::providers_schema(&provider, ADDRESS)),
    )];
    for r in provider.resources() {
        let name = r.type_name();
        out.push((
            format!("resources/{name}.schema.json"),
            pretty(&config_schema(&name, "resource", &r.schema().block)),
        ));
    }
    for d in provider.data_sources() {
        let name = d.type_name();
        out.push((
            format!("data-sources/{name}.schema.json"),
            pretty(&config_schema(&name, "data source", &d.schema().block)),
        ));
    }
    for e in provider.ephemeral_resources() {
        let name = e.type_name();
        out.push((
            format!("ephemeral-resources/{name}.schema.json"),
            pretty(&config_schema(
                &name,
                "ephemeral resource",
                &e.schema().block,
            )),
        ));
    }
    for f in provider.functions() {
        out.push((
            format!("functions/{}.json", f.name()),
            pretty(&tfplugin::schema_json::function(&f.signature())),
        ));
    }
    out.push((
        "check-report.schema.json".to_owned(),
        pretty(&report_schema()),
    ));
    out.push((
        "check-policy.schema.json".to_owned(),
        pretty(&policy_schema()),
    ));
    out
}

pub fn write(dir: &Path) -> std::io::Result<()> {
    for (rel, text) in files() {
        let path = dir.join(rel);
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p)?;
        }
        std::fs::write(path, text)?;
    }
    Ok(())
}

pub fn drift(dir: &Path) -> Vec<String> {
    files()
        .into_iter()
        .filter(|(rel, text)| {
            std::fs::read_to_string(dir.join(rel)).ok().as_deref() != Some(text.as_str())
        })
        .map(|(rel, _)| rel)
        .collect()
}

fn type_schema(t: &Type) -> Json {
    match t {
        Type::String => json!({"type": "string"}),
        Type::Number => json!({"type": "number"}),
        Type::Bool => json!({"type": "boolean"}),
        Type::Dynamic => json!({}),
        Type::List(e) => json!({"type": "array", "items": type_schema(e)}),
        Type::Set(e) => json!({"type": "array", "items": type_schema(e), "uniqueItems": true}),
        Type::Map(e) => json!({"type": "object", "additionalProperties": type_schema(e)}),
        Type::Object(attrs) => {
            let props: Map<String, Json> = attrs
                .iter()
                .map(|(k, v)| (k.clone(), type_schema(v)))
                .collect();
            json!({"type": "object", "properties": props})
        }
        Type::Tuple(items) => {
            json!({"type": "array", "prefixItems": items.iter().map(type_schema).collect::<Vec<_>>()})
        }
    }
}

fn nest(n: Nesting, obj: Json) -> Json {
    match n {
        Nesting::Single | Nesting::Group => obj,
        Nesting::List => json!({"type": "array", "items": obj}),
        Nesting::Set => json!({"type": "array", "items": obj, "uniqueItems": true}),
        Nesting::Map => json!({"type": "object", "additionalProperties": obj}),
    }
}

fn attribute_schema(a: &Attribute) -> Json {
    let mut s = match &a.kind {
        AttributeType::Plain(t) => type_schema(t),
        AttributeType::Nested {
            nesting,
            attributes,
        } => nest(*nesting, object_schema(attributes, &[])),
    };
    if let Some(o) = s.as_object_mut() {
        o.insert("description".into(), Json::from(a.description.as_str()));
        if let Some(d) = &a.default {
            if let Ok(j) =
                tfplugin::value::json::to_json(d, &a.ty(), &tfplugin::AttributePath::root())
            {
                o.insert("default".into(), j);
            }
        }
        if a.deprecated {
            o.insert("deprecated".into(), Json::Bool(true));
        }
    }
    s
}

/// Configurable attributes and blocks of a block (computed-only ones are not
/// configuration).
fn object_schema(attrs: &[Attribute], blocks: &[tfplugin::NestedBlock]) -> Json {
    let mut props = Map::new();
    let mut required = Vec::new();
    for a in attrs.iter().filter(|a| a.required || a.optional) {
        props.insert(a.name.clone(), attribute_schema(a));
        if a.required {
            required.push(Json::from(a.name.as_str()));
        }
    }
    for b in blocks {
        let mut s = nest(
            b.nesting,
            object_schema(&b.block.attributes, &b.block.blocks),
        );
        if let Some(o) = s.as_object_mut() {
            o.insert(
                "description".into(),
                Json::from(b.block.description.as_str()),
            );
        }
        props.insert(b.type_name.clone(), s);
    }
    json!({"type": "object", "properties": props, "required": required, "additionalProperties": false})
}

fn config_schema(name: &str, kind: &str, block: &Block) -> Json {
    let mut s = object_schema(&block.attributes, &block.blocks);
    if let Some(o) = s.as_object_mut() {
        o.insert(
            "$schema".into(),
            json!("https://json-schema.org/draft/2020-12/schema"),
        );
        o.insert(
            "$id".into(),
            json!(format!(
                "https://registry.terraform.io/providers/acklabs/ack/{kind}/{name}"
            )),
        );
        o.insert(
            "title".into(),
            json!(format!("{name} ({kind}) configuration")),
        );
        o.insert("description".into(), json!(block.description));
    }
    s
}

/// JSON Schema of `check --format json`: derived from the report's types
/// ([`ack_check::Report::json_schema`]), with this provider's `$id` and title.
pub fn report_schema() -> Json {
    identified(
        ack_check::Report::json_schema(),
        "check-report",
        "terraform-provider-ack check report",
    )
}

/// JSON Schema of a `check --policy` file (TOML or YAML): derived from the
/// policy's types ([`ack_check::policy::Policy::json_schema`]).
pub fn policy_schema() -> Json {
    identified(
        ack_check::policy::Policy::json_schema(),
        "check-policy",
        "terraform-provider-ack check policy file",
    )
}

/// A derived schema with this provider's `$id` and a title, `$schema` first.
fn identified(schema: Json, id: &str, title: &str) -> Json {
    let mut derived = match schema {
        Json::Object(o) => o,
        _ => Map::new(),
    };
    let mut out = Map::new();
    if let Some(dialect) = derived.remove("$schema") {
        out.insert("$schema".into(), dialect);
    }
    out.insert(
        "$id".into(),
        json!(format!(
            "https://registry.terraform.io/providers/acklabs/ack/{id}"
        )),
    );
    out.insert("title".into(), json!(title));
    derived.remove("title");
    out.extend(derived);
    Json::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemas_cover_every_type_and_the_report_matches_its_schema() {
        let f = files();
        assert!(f
            .iter()
            .any(|(p, _)| p == "resources/ack_cluster.schema.json"));
        let cluster: Json = serde_json::from_str(
            &f.iter()
                .find(|(p, _)| p == "resources/ack_cluster.schema.json")
                .unwrap()
                .1,
        )
        .unwrap();
        assert_eq!(cluster["required"], json!(["name"]));
        let kc: Json = serde_json::from_str(
            &f.iter()
                .find(|(p, _)| p == "ephemeral-resources/ack_cluster_kubeconfig.schema.json")
                .unwrap()
                .1,
        )
        .unwrap();
        assert!(kc["properties"].get("duration_minutes").is_some());
        assert!(
            kc["properties"].get("client_key").is_none(),
            "results are not configuration"
        );
        let up: Json = serde_json::from_str(
            &f.iter()
                .find(|(p, _)| p == "functions/upgrade_path.json")
                .unwrap()
                .1,
        )
        .unwrap();
        assert_eq!(up["return_type"], json!(["list", "string"]));
        assert_eq!(cluster["properties"]["edition"]["default"], "standard");
        assert!(
            cluster["properties"].get("sla").is_none(),
            "computed-only attributes are not configuration"
        );
        let report = ack_check::Report {
            plan_format_version: "1.2".into(),
            terraform_version: "1.11.4".into(),
            rules: ack_check::rules::catalog(),
            resources: vec![],
            findings: vec![],
            context: ack_check::RenderContext::default(),
        };
        let v = serde_json::to_value(&report).unwrap();
        let schema = report_schema();
        for k in schema["required"].as_array().unwrap() {
            assert!(v.get(k.as_str().unwrap()).is_some(), "{k}");
        }
    }

    #[test]
    fn the_policy_schema_describes_what_check_reads() {
        let schema = policy_schema();
        assert_eq!(schema["additionalProperties"], json!(false));
        let custom = &schema["$defs"]["CustomRule"];
        let mut required: Vec<&str> = custom["required"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r.as_str().unwrap())
            .collect();
        required.sort_unstable();
        assert_eq!(
            required,
            ["attribute", "description", "id", "resource_type"]
        );
        assert_eq!(custom["properties"]["severity"]["default"], json!("error"));
        assert_eq!(custom["additionalProperties"], json!(false));
        // A policy the schema allows is one check reads.
        let text = "[rules.ACK-POL-003]\nenabled = false\n\n[[custom]]\nid = \"ORG-001\"\n\
                    description = \"d\"\nresource_type = \"ack_cluster\"\nattribute = \"edition\"\n\
                    must_equal = \"pro\"\n";
        let dir = std::env::temp_dir().join(format!("policy-schema-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("policy.toml");
        std::fs::write(&path, text).unwrap();
        let loaded = ack_check::policy::Policy::load(&path.to_string_lossy());
        std::fs::remove_dir_all(&dir).unwrap();
        assert_eq!(loaded.unwrap().custom.len(), 1);
    }
}
