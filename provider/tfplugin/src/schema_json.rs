//! The provider schema as JSON, in the shape `terraform providers schema
//! -json` prints, for docs generators and policy tools.

use serde_json::{json, Map, Value as Json};

use crate::framework::Provider;
use crate::function::{Parameter, Signature};
use crate::schema::{Attribute, AttributeType, Block, Nesting, Schema};

/// `{"format_version":"1.0","provider_schemas":{ADDRESS:{…}}}`
pub fn providers_schema(provider: &dyn Provider, address: &str) -> Json {
    let mut resources = Map::new();
    for r in provider.resources() {
        resources.insert(r.type_name(), schema(&r.schema()));
    }
    let mut data_sources = Map::new();
    for d in provider.data_sources() {
        data_sources.insert(d.type_name(), schema(&d.schema()));
    }
    let mut entry = Map::new();
    entry.insert("provider".into(), schema(&provider.schema()));
    entry.insert("resource_schemas".into(), Json::Object(resources));
    entry.insert("data_source_schemas".into(), Json::Object(data_sources));
    let ephemerals: Map<String, Json> = provider
        .ephemeral_resources()
        .iter()
        .map(|e| (e.type_name(), schema(&e.schema())))
        .collect();
    if !ephemerals.is_empty() {
        entry.insert(
            "ephemeral_resource_schemas".into(),
            Json::Object(ephemerals),
        );
    }
    let functions: Map<String, Json> = provider
        .functions()
        .iter()
        .map(|f| (f.name(), function(&f.signature())))
        .collect();
    if !functions.is_empty() {
        entry.insert("functions".into(), Json::Object(functions));
    }
    json!({
        "format_version": "1.0",
        "provider_schemas": { address: Json::Object(entry) }
    })
}

/// A function signature as `terraform providers schema -json` prints it.
pub fn function(s: &Signature) -> Json {
    let param = |p: &Parameter| {
        let mut o = Map::new();
        o.insert("name".into(), Json::from(p.name.as_str()));
        if !p.description.is_empty() {
            o.insert("description".into(), Json::from(p.description.as_str()));
        }
        if p.allow_null {
            o.insert("is_nullable".into(), Json::Bool(true));
        }
        o.insert("type".into(), p.ty.to_json_value());
        Json::Object(o)
    };
    let mut o = Map::new();
    if !s.description.is_empty() {
        o.insert("description".into(), Json::from(s.description.as_str()));
    }
    if !s.summary.is_empty() {
        o.insert("summary".into(), Json::from(s.summary.as_str()));
    }
    if !s.deprecation_message.is_empty() {
        o.insert(
            "deprecation_message".into(),
            Json::from(s.deprecation_message.as_str()),
        );
    }
    o.insert("return_type".into(), s.return_type.to_json_value());
    if !s.parameters.is_empty() {
        o.insert(
            "parameters".into(),
            Json::Array(s.parameters.iter().map(param).collect()),
        );
    }
    if let Some(v) = &s.variadic {
        o.insert("variadic_parameter".into(), param(v));
    }
    Json::Object(o)
}

pub fn schema(s: &Schema) -> Json {
    json!({ "version": s.version, "block": block(&s.block) })
}

fn block(b: &Block) -> Json {
    let mut out = Map::new();
    if !b.attributes.is_empty() {
        let attrs: Map<String, Json> = b
            .attributes
            .iter()
            .map(|a| (a.name.clone(), attribute(a)))
            .collect();
        out.insert("attributes".into(), Json::Object(attrs));
    }
    if !b.blocks.is_empty() {
        let mut types = Map::new();
        for nb in &b.blocks {
            let mut o = Map::new();
            o.insert("nesting_mode".into(), Json::from(nesting_name(nb.nesting)));
            o.insert("block".into(), block(&nb.block));
            if nb.min_items > 0 {
                o.insert("min_items".into(), Json::from(nb.min_items));
            }
            if nb.max_items > 0 {
                o.insert("max_items".into(), Json::from(nb.max_items));
            }
            types.insert(nb.type_name.clone(), Json::Object(o));
        }
        out.insert("block_types".into(), Json::Object(types));
    }
    if !b.description.is_empty() {
        out.insert("description".into(), Json::from(b.description.as_str()));
    }
    out.insert("description_kind".into(), Json::from("markdown"));
    if b.deprecated {
        out.insert("deprecated".into(), Json::Bool(true));
    }
    Json::Object(out)
}

fn nesting_name(n: Nesting) -> &'static str {
    match n {
        Nesting::Single => "single",
        Nesting::Group => "group",
        Nesting::List => "list",
        Nesting::Set => "set",
        Nesting::Map => "map",
    }
}

fn attribute(a: &Attribute) -> Json {
    let mut o = Map::new();
    match &a.kind {
        AttributeType::Plain(t) => {
            o.insert("type".into(), t.to_json_value());
        }
        AttributeType::Nested {
            nesting,
            attributes,
        } => {
            let attrs: Map<String, Json> = attributes
                .iter()
                .map(|n| (n.name.clone(), attribute(n)))
                .collect();
            o.insert(
                "nested_type".into(),
                json!({ "attributes": attrs, "nesting_mode": nesting_name(*nesting) }),
            );
        }
    }
    if !a.description.is_empty() {
        o.insert("description".into(), Json::from(a.description.as_str()));
    }
    o.insert("description_kind".into(), Json::from("markdown"));
    for (flag, set) in [
        ("required", a.required),
        ("optional", a.optional),
        ("computed", a.computed),
        ("sensitive", a.sensitive),
        ("write_only", a.write_only),
        ("deprecated", a.deprecated),
    ] {
        if set {
            o.insert(flag.into(), Json::Bool(true));
        }
    }
    Json::Object(o)
}
