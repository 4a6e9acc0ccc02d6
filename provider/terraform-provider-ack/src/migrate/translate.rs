//! What every translation shares: reading a source block's arguments and
//! nested blocks, writing the new block's text, and noting what could not
//! be translated.

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Attribute, Block, Structure};

/// An argument, block or reference left for the user, with the reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Note {
    /// `alicloud_cs_managed_kubernetes.k8s`.
    pub address: String,
    /// The argument or block.
    pub what: String,
    pub why: String,
}

/// One entry of the block being written.
enum Line {
    /// `name = expression`.
    Set(String, String),
    /// A comment line, or a nested block, as written.
    Raw(String),
}

/// The body of the block being written.
#[derive(Default)]
pub struct Out {
    lines: Vec<Line>,
}

impl Out {
    /// `name = expr`, the expression as written in the source block (at
    /// the same depth, so its lines keep their indentation).
    pub fn set(&mut self, name: &str, expr: impl Into<String>) {
        self.lines.push(Line::Set(name.to_owned(), expr.into()));
    }

    /// `name = value` for a multi-line value written here from column 0.
    pub fn set_nested(&mut self, name: &str, value: &str) {
        self.lines.push(Line::Set(name.to_owned(), indent(value)));
    }

    /// The comments in front of a source argument or block, kept in front
    /// of what it becomes.
    pub fn comments(&mut self, decor: &hcl_edit::Decor) {
        let prefix = decor.prefix().map(|p| p.to_string()).unwrap_or_default();
        for line in prefix.lines().map(str::trim) {
            if line.starts_with('#') || line.starts_with("//") || line.starts_with("/*") {
                self.lines.push(Line::Raw(format!("  {line}")));
            }
        }
    }

    /// A nested block kept as written (`timeouts`, `lifecycle`).
    pub fn raw_block(&mut self, block: &Block) {
        let mut body = hcl_edit::structure::Body::new();
        body.push(block.clone());
        let text = body.to_string();
        self.lines
            .push(Line::Raw(format!("  {}", indent(text.trim()))));
    }

    /// The block, with `=` aligned in runs of one-line arguments as
    /// `terraform fmt` does.
    pub fn render(&self, ty: &str, name: &str) -> String {
        let mut out = Vec::new();
        let mut run: Vec<(&str, &str)> = Vec::new();
        let flush = |run: &mut Vec<(&str, &str)>, out: &mut Vec<String>| {
            let width = run.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
            for (k, v) in run.drain(..) {
                out.push(format!("  {k:width$} = {v}"));
            }
        };
        for line in &self.lines {
            match line {
                Line::Set(k, v) if !v.contains('\n') => run.push((k, v)),
                Line::Set(k, v) => {
                    flush(&mut run, &mut out);
                    out.push(format!("  {k} = {v}"));
                }
                Line::Raw(r) => {
                    flush(&mut run, &mut out);
                    out.push(r.clone());
                }
            }
        }
        flush(&mut run, &mut out);
        format!("resource \"{ty}\" \"{name}\" {{\n{}\n}}\n", out.join("\n"))
    }
}

/// Continuation lines of a multi-line expression indented one level.
fn indent(expr: &str) -> String {
    expr.replace('\n', "\n  ")
}

/// An expression as written, without its surrounding white space.
pub fn text(e: &Expression) -> String {
    e.to_string().trim().to_owned()
}

/// The source block's arguments and nested blocks, in order.
pub struct Source<'a> {
    pub address: String,
    pub attrs: Vec<&'a Attribute>,
    pub blocks: Vec<&'a Block>,
}

impl<'a> Source<'a> {
    pub fn new(ty: &str, name: &str, block: &'a Block) -> Source<'a> {
        let mut attrs = Vec::new();
        let mut blocks = Vec::new();
        for s in block.body.iter() {
            match s {
                Structure::Attribute(a) => attrs.push(a),
                Structure::Block(b) => blocks.push(b),
            }
        }
        Source {
            address: format!("{ty}.{name}"),
            attrs,
            blocks,
        }
    }

    pub fn attr(&self, name: &str) -> Option<&'a Attribute> {
        self.attrs.iter().copied().find(|a| a.key.as_str() == name)
    }

    pub fn expr(&self, name: &str) -> Option<String> {
        self.attr(name).map(|a| text(&a.value))
    }

    pub fn blocks(&self, name: &str) -> Vec<&'a Block> {
        self.blocks
            .iter()
            .copied()
            .filter(|b| b.ident.as_str() == name)
            .collect()
    }

    pub fn note(&self, notes: &mut Vec<Note>, what: &str, why: impl Into<String>) {
        notes.push(Note {
            address: self.address.clone(),
            what: what.to_owned(),
            why: why.into(),
        });
    }
}

/// An argument of a nested block, as written.
pub fn inner(block: &Block, name: &str) -> Option<String> {
    block.body.get_attribute(name).map(|a| text(&a.value))
}

/// An argument of a nested block that is a literal bool.
pub fn inner_bool(block: &Block, name: &str) -> Option<bool> {
    block
        .body
        .get_attribute(name)
        .and_then(|a| a.value.as_bool())
}

/// `{ a = x, b = y }` from the named arguments a nested block has.
pub fn object(block: &Block, names: &[(&str, &str)]) -> Option<String> {
    let fields: Vec<String> = names
        .iter()
        .filter_map(|(from, to)| inner(block, from).map(|v| format!("{to} = {v}")))
        .collect();
    (!fields.is_empty()).then(|| format!("{{ {} }}", fields.join(", ")))
}

/// `{` one aligned `key = value` per line `}`, from column 0.
pub fn object_lines(fields: &[(String, String)]) -> String {
    let width = fields.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    let lines: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("  {k:width$} = {v}"))
        .collect();
    format!("{{\n{}\n}}", lines.join("\n"))
}

/// A list of objects, one line each.
pub fn list(items: &[String]) -> String {
    format!("[\n  {},\n]", items.join(",\n  "))
}

/// The arguments every resource has in Terraform, kept as written.
pub fn meta(src: &Source<'_>, out: &mut Out, notes: &mut Vec<Note>) {
    for name in ["count", "for_each", "depends_on"] {
        if let Some(e) = src.expr(name) {
            out.set(name, e);
        }
    }
    if src.attr("provider").is_some() {
        src.note(
            notes,
            "provider",
            "an alicloud provider configuration; this provider is configured by its own `provider \"ack\"` block (region, credentials)",
        );
    }
    for name in ["lifecycle", "timeouts"] {
        for b in src.blocks(name) {
            out.raw_block(b);
        }
    }
}

/// The cluster a dependent (`cluster_id = alicloud_cs_managed_kubernetes.k8s.id`)
/// refers to, as `ack_cluster.k8s.name`; `None` when it is not such a reference.
pub fn cluster_name_of(cluster_id: &Expression, clusters: &[String]) -> Option<String> {
    let t = cluster_id.as_traversal()?;
    let root = match &t.expr {
        Expression::Variable(v) => v.as_str().to_owned(),
        _ => return None,
    };
    let mut steps = t.operators.iter().map(|o| match o.value() {
        hcl_edit::expr::TraversalOperator::GetAttr(i) => Some(i.as_str().to_owned()),
        _ => None,
    });
    let name = steps.next()??;
    let attr = steps.next()??;
    let address = format!("{root}.{name}");
    (attr == "id" && steps.next().is_none() && clusters.contains(&address))
        .then(|| format!("ack_cluster.{name}.name"))
}
