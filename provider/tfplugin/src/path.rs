//! Attribute paths: where in a value something is, for diagnostics,
//! plan modifiers and `requires_replace`.

use std::fmt;

/// One step into a value.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Step {
    /// An attribute or nested block of an object.
    Attribute(String),
    /// A key of a map or of a map-nested block.
    Key(String),
    /// An index of a list, tuple or list-nested block.
    Index(i64),
}

/// A path from the root object of a schema to some value inside it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AttributePath(Vec<Step>);

impl AttributePath {
    /// The root: the whole object.
    pub fn root() -> AttributePath {
        AttributePath(Vec::new())
    }

    /// A path to a top-level attribute.
    pub fn attr(name: impl Into<String>) -> AttributePath {
        AttributePath(vec![Step::Attribute(name.into())])
    }

    #[must_use]
    pub fn push_attr(&self, name: impl Into<String>) -> AttributePath {
        self.with(Step::Attribute(name.into()))
    }

    #[must_use]
    pub fn push_key(&self, key: impl Into<String>) -> AttributePath {
        self.with(Step::Key(key.into()))
    }

    #[must_use]
    pub fn push_index(&self, index: usize) -> AttributePath {
        self.with(Step::Index(i64::try_from(index).unwrap_or(i64::MAX)))
    }

    #[must_use]
    pub fn with(&self, step: Step) -> AttributePath {
        let mut steps = self.0.clone();
        steps.push(step);
        AttributePath(steps)
    }

    pub fn steps(&self) -> &[Step] {
        &self.0
    }

    pub fn is_root(&self) -> bool {
        self.0.is_empty()
    }

    /// The last attribute name on the path, if any.
    pub fn last_attribute(&self) -> Option<&str> {
        self.0.iter().rev().find_map(|s| match s {
            Step::Attribute(n) => Some(n.as_str()),
            _ => None,
        })
    }
}

impl From<Vec<Step>> for AttributePath {
    fn from(steps: Vec<Step>) -> AttributePath {
        AttributePath(steps)
    }
}

impl fmt::Display for AttributePath {
    /// HCL-like rendering: `managed[0].max_unavailable`, `labels["team"]`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("(root)");
        }
        for (i, s) in self.0.iter().enumerate() {
            match s {
                Step::Attribute(n) if i == 0 => f.write_str(n)?,
                Step::Attribute(n) => write!(f, ".{n}")?,
                Step::Key(k) => write!(f, "[{k:?}]")?,
                Step::Index(n) => write!(f, "[{n}]")?,
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_like_hcl() {
        let p = AttributePath::attr("managed")
            .push_index(0)
            .push_attr("max_unavailable");
        assert_eq!(p.to_string(), "managed[0].max_unavailable");
        let p = AttributePath::attr("labels").push_key("team");
        assert_eq!(p.to_string(), "labels[\"team\"]");
    }
}
