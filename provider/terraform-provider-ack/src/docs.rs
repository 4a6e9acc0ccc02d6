//! `terraform-provider-ack docs`: registry documentation generated from the
//! schemas (every attribute's description), the examples and the guides.
//! Never edit `docs/` by hand; CI regenerates it and fails on drift.

use std::fmt::Write as _;
use std::path::Path;

use tfplugin::framework::Provider;
use tfplugin::schema::{Attribute, AttributeType, Block, Nesting};
use tfplugin::Type;

use crate::provider::AckProvider;

/// One generated file, relative to the docs directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Page {
    pub path: String,
    pub content: String,
}

struct Example {
    type_name: &'static str,
    config: &'static str,
    import: Option<&'static str>,
}

/// A resource's documented example and import command, from the registry
/// layout (`examples/resources/<type>/resource.tf` and `import.sh`).
macro_rules! resource_example {
    ($type_name:literal) => {
        Example {
            type_name: $type_name,
            config: include_str!(concat!(
                "../../../examples/resources/",
                $type_name,
                "/resource.tf"
            )),
            import: Some(include_str!(concat!(
                "../../../examples/resources/",
                $type_name,
                "/import.sh"
            ))),
        }
    };
}

const RESOURCE_EXAMPLES: [Example; 7] = [
    resource_example!("ack_cluster"),
    resource_example!("ack_node_pool"),
    resource_example!("ack_encryption"),
    resource_example!("ack_backup_policy"),
    resource_example!("ack_scheduler_profile"),
    resource_example!("ack_addon"),
    resource_example!("ack_cluster_inspection"),
];

const DATA_SOURCE_EXAMPLES: [Example; 3] = [
    Example {
        type_name: "ack_cluster",
        config: include_str!("../../../examples/data-sources/ack_cluster/data-source.tf"),
        import: None,
    },
    Example {
        type_name: "ack_editions",
        config: include_str!("../../../examples/data-sources/ack_editions/data-source.tf"),
        import: None,
    },
    Example {
        type_name: "ack_kubernetes_versions",
        config: include_str!(
            "../../../examples/data-sources/ack_kubernetes_versions/data-source.tf"
        ),
        import: None,
    },
];

const EPHEMERAL_EXAMPLES: [Example; 1] = [Example {
    type_name: "ack_cluster_kubeconfig",
    config: include_str!(
        "../../../examples/ephemeral-resources/ack_cluster_kubeconfig/ephemeral-resource.tf"
    ),
    import: None,
}];

/// (function name, example).
const FUNCTION_EXAMPLES: [(&str, &str); 3] = [
    (
        "edition",
        include_str!("../../../examples/functions/edition/function.tf"),
    ),
    (
        "supports",
        include_str!("../../../examples/functions/supports/function.tf"),
    ),
    (
        "upgrade_path",
        include_str!("../../../examples/functions/upgrade_path/function.tf"),
    ),
];

const PROVIDER_EXAMPLE: &str = include_str!("../../../examples/provider/provider.tf");

const GUIDES: [(&str, &str); 7] = [
    ("tier-rules.md", include_str!("../guides/tier-rules.md")),
    (
        "upgrading-to-pro.md",
        include_str!("../guides/upgrading-to-pro.md"),
    ),
    ("emulator.md", include_str!("../guides/emulator.md")),
    ("pipelines.md", include_str!("../guides/pipelines.md")),
    ("pulumi.md", include_str!("../guides/pulumi.md")),
    (
        "alicloud-cluster-arguments.md",
        include_str!("../guides/alicloud-cluster-arguments.md"),
    ),
    (
        "migrating-from-alicloud.md",
        include_str!("../guides/migrating-from-alicloud.md"),
    ),
];

/// Every page of the documentation.
pub fn pages() -> Vec<Page> {
    let provider = AckProvider::new();
    let mut pages = vec![Page {
        path: "index.md".into(),
        content: index(&provider),
    }];
    for r in provider.resources() {
        let name = r.type_name();
        let ex = RESOURCE_EXAMPLES.iter().find(|e| e.type_name == name);
        pages.push(Page {
            path: format!("resources/{}.md", name.trim_start_matches("ack_")),
            content: page(&name, "Resource", &r.schema().block, ex),
        });
    }
    for d in provider.data_sources() {
        let name = d.type_name();
        let ex = DATA_SOURCE_EXAMPLES.iter().find(|e| e.type_name == name);
        pages.push(Page {
            path: format!("data-sources/{}.md", name.trim_start_matches("ack_")),
            content: page(&name, "Data Source", &d.schema().block, ex),
        });
    }
    for e in provider.ephemeral_resources() {
        let name = e.type_name();
        let ex = EPHEMERAL_EXAMPLES.iter().find(|x| x.type_name == name);
        pages.push(Page {
            path: format!("ephemeral-resources/{}.md", name.trim_start_matches("ack_")),
            content: page(&name, "Ephemeral Resource", &e.schema().block, ex),
        });
    }
    for f in provider.functions() {
        let name = f.name();
        let ex = FUNCTION_EXAMPLES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, e)| *e);
        pages.push(Page {
            path: format!("functions/{name}.md"),
            content: crate::docs_functions::page(&name, &f.signature(), ex),
        });
    }
    for (file, text) in GUIDES {
        pages.push(Page {
            path: format!("guides/{file}"),
            content: text.to_owned(),
        });
    }
    pages
}

/// Writes every page under `dir`.
pub fn write(dir: &Path) -> std::io::Result<()> {
    for p in pages() {
        let path = dir.join(&p.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, p.content)?;
    }
    Ok(())
}

/// Pages under `dir` that differ from what the generator writes.
pub fn drift(dir: &Path) -> Vec<String> {
    pages()
        .into_iter()
        .filter(|p| {
            std::fs::read_to_string(dir.join(&p.path)).ok().as_deref() != Some(p.content.as_str())
        })
        .map(|p| p.path)
        .collect()
}

fn first_sentence(s: &str) -> String {
    let end = s.find(". ").map_or(s.len(), |i| i + 1);
    s[..end].replace('"', "'")
}

fn index(provider: &AckProvider) -> String {
    let schema = provider.schema();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "---\npage_title: \"ack Provider\"\ndescription: |-\n  {}\n---\n",
        first_sentence(&schema.block.description)
    );
    let _ = writeln!(out, "# ack Provider\n\n{}\n", schema.block.description);
    let _ = writeln!(
        out,
        "Resources: `ack_cluster`, `ack_node_pool`, `ack_encryption`, `ack_backup_policy`, `ack_scheduler_profile`. \
         Data sources: `ack_cluster`, `ack_editions`, `ack_kubernetes_versions`. Ephemeral resource (Terraform 1.10+): \
         `ack_cluster_kubeconfig`, a temporary kubeconfig that never reaches state or plan files. Functions \
         (Terraform 1.8+): `provider::ack::edition`, `provider::ack::supports`, `provider::ack::upgrade_path`, \
         answered from the edition catalog with no configuration. Tier rules (what ACK Standard and ACK \
         Pro allow) are checked at plan time, across resources: see the guide on tier rules.\n"
    );
    let _ = writeln!(
        out,
        "## Example Usage\n\n```terraform\n{}```\n",
        PROVIDER_EXAMPLE
    );
    out.push_str(&schema_section(&schema.block));
    out
}

fn page(name: &str, kind: &str, block: &Block, ex: Option<&Example>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "---\npage_title: \"{name} {kind} - ack\"\nsubcategory: \"\"\ndescription: |-\n  {}\n---\n",
        first_sentence(&block.description)
    );
    let _ = writeln!(out, "# {name} ({kind})\n\n{}\n", block.description);
    if let Some(ex) = ex {
        let _ = writeln!(out, "## Example Usage\n\n```terraform\n{}```\n", ex.config);
    }
    out.push_str(&schema_section(block));
    if let Some(import) = ex.and_then(|e| e.import) {
        let _ = writeln!(
            out,
            "## Import\n\nImport is supported using the following syntax:\n\n```shell\n{import}```"
        );
    }
    out
}

fn type_name(t: &Type) -> String {
    match t {
        Type::String => "String".into(),
        Type::Number => "Number".into(),
        Type::Bool => "Boolean".into(),
        Type::Dynamic => "Dynamic".into(),
        Type::List(e) => format!("List of {}", type_name(e)),
        Type::Set(e) => format!("Set of {}", type_name(e)),
        Type::Map(e) => format!("Map of {}", type_name(e)),
        Type::Object(_) => "Object".into(),
        Type::Tuple(_) => "Tuple".into(),
    }
}

fn attr_type(a: &Attribute) -> String {
    match &a.kind {
        AttributeType::Plain(t) => type_name(t),
        AttributeType::Nested { nesting, .. } => match nesting {
            Nesting::Single | Nesting::Group => "Attributes".into(),
            Nesting::List => "Attributes List".into(),
            Nesting::Set => "Attributes Set".into(),
            Nesting::Map => "Attributes Map".into(),
        },
    }
}

fn modifier_notes(a: &Attribute) -> String {
    let mut notes: Vec<String> = a.plan_modifiers.iter().map(|m| m.description()).collect();
    notes.extend(a.validators.iter().map(|v| v.description()));
    notes.retain(|n| !a.description.contains(n.as_str()));
    if notes.is_empty() {
        String::new()
    } else {
        format!(" {}", notes.join(" "))
    }
}

fn schema_section(block: &Block) -> String {
    let mut out = String::from("## Schema\n\n");
    let mut nested: Vec<(String, Vec<Attribute>, Vec<tfplugin::NestedBlock>)> = Vec::new();
    render_block(&mut out, block, "", &mut nested);
    while !nested.is_empty() {
        let (name, attrs, blocks) = nested.remove(0);
        let _ = writeln!(
            out,
            "<a id=\"nestedatt--{}\"></a>\n### Nested Schema for `{name}`\n",
            name.replace('.', "--")
        );
        let b = Block {
            description: String::new(),
            deprecated: false,
            attributes: attrs,
            blocks,
        };
        render_block(&mut out, &b, &format!("{name}."), &mut nested);
    }
    out
}

type Pending = Vec<(String, Vec<Attribute>, Vec<tfplugin::NestedBlock>)>;

fn render_block(out: &mut String, block: &Block, prefix: &str, nested: &mut Pending) {
    type Pick = fn(&Attribute) -> bool;
    let groups: [(&str, Pick); 3] = [
        ("Required", |a| a.required),
        ("Optional", |a| a.optional),
        ("Read-Only", |a| a.computed && !a.optional && !a.required),
    ];
    for (title, pick) in groups {
        let attrs: Vec<&Attribute> = block.attributes.iter().filter(|a| pick(a)).collect();
        let blocks: Vec<&tfplugin::NestedBlock> = if title == "Optional" {
            block.blocks.iter().collect()
        } else {
            Vec::new()
        };
        if attrs.is_empty() && blocks.is_empty() {
            continue;
        }
        let _ = writeln!(out, "### {title}\n");
        for a in attrs {
            let mut line = format!("- `{}` ({}", a.name, attr_type(a));
            if a.sensitive {
                line.push_str(", Sensitive");
            }
            if a.write_only {
                line.push_str(", Write-only");
            }
            line.push(')');
            if let Some((_, inner)) = a.nested_attributes() {
                let full = format!("{prefix}{}", a.name);
                let _ = write!(
                    line,
                    " {}{} (see [below for nested schema](#nestedatt--{}))",
                    a.description,
                    modifier_notes(a),
                    full.replace('.', "--")
                );
                nested.push((full, inner.to_vec(), Vec::new()));
            } else {
                let _ = write!(line, " {}{}", a.description, modifier_notes(a));
            }
            let _ = writeln!(out, "{line}");
        }
        for b in blocks {
            let full = format!("{prefix}{}", b.type_name);
            let _ = writeln!(
                out,
                "- `{}` (Block) {} (see [below for nested schema](#nestedatt--{}))",
                b.type_name,
                b.block.description,
                full.replace('.', "--")
            );
            nested.push((full, b.block.attributes.clone(), b.block.blocks.clone()));
        }
        out.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The import examples users copy pass the provider's own ID check
    /// (they once showed a 32-character cluster ID that import refused).
    #[test]
    fn import_examples_carry_valid_cluster_ids() {
        for e in RESOURCE_EXAMPLES {
            let script = e.import.unwrap_or_default();
            let line = script
                .lines()
                .find(|l| l.starts_with("terraform import"))
                .unwrap_or_else(|| panic!("{}: no import line", e.type_name));
            let id = line.split_whitespace().last().unwrap_or_default();
            let cluster = id.split(':').next().unwrap_or_default();
            assert!(
                ack_api::rules::is_cluster_id(cluster),
                "{}: {cluster:?} is not a cluster ID",
                e.type_name
            );
        }
    }

    #[test]
    fn the_pulumi_guide_shows_the_pulumi_example_as_it_is() {
        let guide = include_str!("../guides/pulumi.md");
        let example = include_str!("../../../examples/pulumi/Pulumi.yaml");
        assert!(guide.contains(&format!("```yaml\n{example}```")));
    }

    #[test]
    fn every_type_has_a_page_with_an_example() {
        let pages = pages();
        for p in [
            "index.md",
            "resources/cluster.md",
            "resources/node_pool.md",
            "resources/encryption.md",
            "resources/backup_policy.md",
            "resources/scheduler_profile.md",
            "data-sources/cluster.md",
            "data-sources/editions.md",
            "data-sources/kubernetes_versions.md",
            "guides/upgrading-to-pro.md",
            "ephemeral-resources/cluster_kubeconfig.md",
            "functions/edition.md",
            "functions/supports.md",
            "functions/upgrade_path.md",
        ] {
            let page = pages
                .iter()
                .find(|x| x.path == p)
                .unwrap_or_else(|| panic!("no page {p}"));
            assert!(page.content.contains("```"), "{p} has an example");
        }
        let cluster = pages
            .iter()
            .find(|x| x.path == "resources/cluster.md")
            .unwrap();
        assert!(cluster.content.contains("- `edition` (String)"));
        assert!(cluster
            .content
            .contains("terraform import ack_cluster.main"));
        assert!(cluster
            .content
            .contains("Nested Schema for `maintenance_window`"));
        let backup = pages
            .iter()
            .find(|x| x.path == "resources/backup_policy.md")
            .unwrap();
        assert!(backup.content.contains("ACK has no public API for this"));
        let kc = pages
            .iter()
            .find(|x| x.path == "ephemeral-resources/cluster_kubeconfig.md")
            .unwrap();
        assert!(kc
            .content
            .contains("# ack_cluster_kubeconfig (Ephemeral Resource)"));
        assert!(kc.content.contains("- `client_key` (String, Sensitive)"));
        let up = pages
            .iter()
            .find(|x| x.path == "functions/upgrade_path.md")
            .unwrap();
        assert!(up
            .content
            .contains("upgrade_path(from string, to string) list of string"));
        assert!(up.content.contains("1. `from` (String)"));
    }
}
