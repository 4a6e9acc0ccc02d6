//! Policy file text: reading it within bounds, its format, its nesting, and
//! one-line errors.

use super::policy::MAX_POLICY_BYTES;
use super::CheckError;

/// Deepest nesting of brackets (flow collections, arrays, inline tables,
/// Rego expressions) or indentation levels a policy file may have. Real policies nest a few
/// levels; parsers take time and stack that grow with depth, so deeper input
/// is refused before parsing.
pub const MAX_NESTING: usize = 64;

/// Refuses text nested deeper than [`MAX_NESTING`], in one linear pass.
/// Brackets inside quoted strings and comments are not counted.
pub(crate) fn check_nesting(text: &str) -> Result<(), String> {
    let mut depth = 0usize;
    for (n, line) in text.lines().enumerate() {
        let indent = line.len() - line.trim_start_matches([' ', '\t']).len();
        let mut quote: Option<char> = None;
        let mut escaped = false;
        for c in line.chars() {
            match quote {
                Some(q) => {
                    if escaped {
                        escaped = false;
                    } else if c == '\\' && q == '"' {
                        escaped = true;
                    } else if c == q {
                        quote = None;
                    }
                }
                None => match c {
                    '"' | '\'' => quote = Some(c),
                    '#' => break,
                    '[' | '{' | '(' => depth += 1,
                    ']' | '}' | ')' => depth = depth.saturating_sub(1),
                    _ => {}
                },
            }
            if depth > MAX_NESTING {
                return Err(format!(
                    "line {}: nested more than {MAX_NESTING} levels deep; policy files are flat lists of settings and rules",
                    n + 1
                ));
            }
        }
        if indent / 2 > MAX_NESTING {
            return Err(format!(
                "line {}: indented more than {MAX_NESTING} levels deep; policy files are flat lists of settings and rules",
                n + 1
            ));
        }
    }
    Ok(())
}

/// Reads a policy file (TOML, YAML or Rego) of at most [`MAX_POLICY_BYTES`],
/// bounded on what is read, as UTF-8 text.
pub(crate) fn read_policy_text(path: &std::path::Path) -> Result<String, CheckError> {
    let shown = path.display().to_string();
    let bytes = crate::read_bounded(path, MAX_POLICY_BYTES).map_err(|e| match e {
        crate::ReadError::Io(e) => CheckError::Policy {
            path: shown.clone(),
            message: e.to_string(),
        },
        crate::ReadError::TooLarge => CheckError::TooLarge {
            what: "policy file",
            path: shown.clone(),
            limit: MAX_POLICY_BYTES,
            hint: "policy files are short lists of settings and rules; split a large one",
        },
    })?;
    String::from_utf8(bytes).map_err(|_| CheckError::Policy {
        path: shown,
        message: "not UTF-8 text".into(),
    })
}

/// Levenshtein distance, for suggestions.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}

#[derive(Debug, Clone, Copy)]
pub(crate) enum Format {
    Toml,
    Yaml,
}

/// The format of a policy file by its extension; other extensions are an
/// error (never guessed).
pub(crate) fn format_of(path: &str) -> Result<Format, CheckError> {
    let ext = std::path::Path::new(path)
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default();
    match ext {
        "toml" => Ok(Format::Toml),
        "yaml" | "yml" => Ok(Format::Yaml),
        _ => Err(CheckError::Policy {
            path: path.to_owned(),
            message: "unknown kind of policy file: name it .toml, .yaml or .yml (rule settings and custom rules) or .rego (Rego policies), or pass a directory of .rego files".into(),
        }),
    }
}

/// A TOML error as one line: `line L, column C: message`.
pub(crate) fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let message = super::report::visible(e.message().trim());
    let hint = "The policy file schema is schemas/check-policy.schema.json";
    match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
            format!("line {line}, column {column}: {message}. {hint}")
        }
        None => format!("{message}. {hint}"),
    }
}
