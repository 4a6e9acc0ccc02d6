//! Registry pages for provider-defined functions (`docs/functions/NAME.md`),
//! in the layout the Terraform Registry renders: summary, description,
//! example, signature and numbered arguments.

use std::fmt::Write as _;

use tfplugin::framework::{Parameter, Signature};
use tfplugin::Type;

fn cty_name(t: &Type) -> String {
    match t {
        Type::String => "string".into(),
        Type::Number => "number".into(),
        Type::Bool => "bool".into(),
        Type::Dynamic => "dynamic".into(),
        Type::List(e) => format!("list of {}", cty_name(e)),
        Type::Set(e) => format!("set of {}", cty_name(e)),
        Type::Map(e) => format!("map of {}", cty_name(e)),
        Type::Object(_) => "object".into(),
        Type::Tuple(_) => "tuple".into(),
    }
}

fn title(t: &Type) -> String {
    let n = cty_name(t);
    let mut c = n.chars();
    c.next()
        .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
        .unwrap_or_default()
}

/// Whether an argument is one of the fixed parameters or the variadic one.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Arity {
    Fixed,
    Variadic,
}

fn argument(out: &mut String, i: usize, p: &Parameter, arity: Arity) {
    let mut notes = Vec::new();
    if p.allow_null {
        notes.push("Nullable");
    }
    if arity == Arity::Variadic {
        notes.push("Variadic");
    }
    let extra = if notes.is_empty() {
        String::new()
    } else {
        format!(", {}", notes.join(", "))
    };
    let _ = writeln!(
        out,
        "{}. `{}` ({}{extra}) {}",
        i + 1,
        p.name,
        title(&p.ty),
        p.description
    );
}

/// The page of function `name`.
pub fn page(name: &str, sig: &Signature, example: Option<&str>) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "---\npage_title: \"{name} function - ack\"\nsubcategory: \"\"\ndescription: |-\n  {}\n---\n",
        sig.summary.replace('"', "'")
    );
    let _ = writeln!(out, "# function: {name}\n\n{}\n", sig.description);
    if !sig.deprecation_message.is_empty() {
        let _ = writeln!(out, "~> **Deprecated:** {}\n", sig.deprecation_message);
    }
    if let Some(ex) = example {
        let _ = writeln!(out, "## Example Usage\n\n```terraform\n{ex}```\n");
    }
    let mut params: Vec<String> = sig
        .parameters
        .iter()
        .map(|p| format!("{} {}", p.name, cty_name(&p.ty)))
        .collect();
    if let Some(v) = &sig.variadic {
        params.push(format!("{} ...{}", v.name, cty_name(&v.ty)));
    }
    let _ = writeln!(
        out,
        "## Signature\n\n```text\n{name}({}) {}\n```\n",
        params.join(", "),
        cty_name(&sig.return_type)
    );
    if !sig.parameters.is_empty() || sig.variadic.is_some() {
        out.push_str("## Arguments\n\n");
        for (i, p) in sig.parameters.iter().enumerate() {
            argument(&mut out, i, p, Arity::Fixed);
        }
        if let Some(v) = &sig.variadic {
            argument(&mut out, sig.parameters.len(), v, Arity::Variadic);
        }
    }
    out
}
