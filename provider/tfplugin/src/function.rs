//! Provider-defined functions (protocol 6.5, Terraform 1.8+), called in
//! configurations as `provider::NAME::FUNCTION(…)`.
//!
//! A function declares its [`Signature`] (typed parameters, return type,
//! descriptions) and answers [`Function::call`] with a value or a
//! [`FunctionError`] that may point at one argument, so Terraform underlines
//! the offending argument in the configuration. Functions are pure: Terraform
//! calls them without configuring the provider, during validate, plan and
//! apply, and may call them many times with the same arguments.

use std::fmt;

use async_trait::async_trait;

use crate::types::Type;
use crate::value::Value;

/// One parameter of a function.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Parameter {
    /// Name shown in diagnostics and docs (`name`, `edition`).
    pub name: String,
    pub ty: Type,
    pub description: String,
    /// Pass `null` through to the function instead of refusing it.
    pub allow_null: bool,
    /// Pass unknown values through instead of Terraform answering "unknown".
    pub allow_unknown: bool,
}

impl Parameter {
    pub fn new(name: impl Into<String>, ty: Type) -> Parameter {
        Parameter {
            name: name.into(),
            ty,
            description: String::new(),
            allow_null: false,
            allow_unknown: false,
        }
    }

    pub fn string(name: impl Into<String>) -> Parameter {
        Parameter::new(name, Type::String)
    }

    #[must_use]
    pub fn description(mut self, d: impl Into<String>) -> Parameter {
        self.description = d.into();
        self
    }

    #[must_use]
    pub fn allow_null(mut self) -> Parameter {
        self.allow_null = true;
        self
    }

    #[must_use]
    pub fn allow_unknown(mut self) -> Parameter {
        self.allow_unknown = true;
        self
    }
}

/// What a function takes and returns, and how it is documented.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// One line, shown by editors.
    pub summary: String,
    /// Markdown, for the docs.
    pub description: String,
    pub parameters: Vec<Parameter>,
    /// Takes any number of further arguments of this parameter's type.
    pub variadic: Option<Parameter>,
    pub return_type: Type,
    /// Non-empty: the function is deprecated, and this says what to use.
    pub deprecation_message: String,
}

impl Signature {
    pub fn new(return_type: Type) -> Signature {
        Signature {
            summary: String::new(),
            description: String::new(),
            parameters: Vec::new(),
            variadic: None,
            return_type,
            deprecation_message: String::new(),
        }
    }

    #[must_use]
    pub fn summary(mut self, s: impl Into<String>) -> Signature {
        self.summary = s.into();
        self
    }

    #[must_use]
    pub fn description(mut self, d: impl Into<String>) -> Signature {
        self.description = d.into();
        self
    }

    #[must_use]
    pub fn parameter(mut self, p: Parameter) -> Signature {
        self.parameters.push(p);
        self
    }

    #[must_use]
    pub fn variadic(mut self, p: Parameter) -> Signature {
        self.variadic = Some(p);
        self
    }

    #[must_use]
    pub fn deprecated(mut self, message: impl Into<String>) -> Signature {
        self.deprecation_message = message.into();
        self
    }

    /// The parameter that argument `index` binds to.
    pub fn parameter_for(&self, index: usize) -> Option<&Parameter> {
        self.parameters.get(index).or(self.variadic.as_ref())
    }
}

/// Why a call failed. With an argument index, Terraform reports the error
/// at that argument ("Invalid value for "name" parameter: …."). Terraform
/// adds the final full stop: end messages without one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FunctionError {
    pub message: String,
    /// Zero-based position of the offending argument.
    pub argument: Option<usize>,
}

impl FunctionError {
    /// An error about the call as a whole.
    pub fn new(message: impl Into<String>) -> FunctionError {
        FunctionError {
            message: message.into(),
            argument: None,
        }
    }

    /// An error about argument `index` (zero-based).
    pub fn argument(index: usize, message: impl Into<String>) -> FunctionError {
        FunctionError {
            message: message.into(),
            argument: Some(index),
        }
    }
}

impl fmt::Display for FunctionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.argument {
            Some(i) => write!(f, "argument {}: {}", i + 1, self.message),
            None => f.write_str(&self.message),
        }
    }
}

impl std::error::Error for FunctionError {}

/// The arguments of one call, decoded by the signature's types (variadic
/// arguments follow the fixed ones).
#[derive(Clone, Debug, PartialEq)]
pub struct CallRequest {
    pub arguments: Vec<Value>,
}

impl CallRequest {
    /// Argument `index` (null when absent).
    pub fn arg(&self, index: usize) -> &Value {
        static NULL: Value = Value::Null;
        self.arguments.get(index).unwrap_or(&NULL)
    }

    /// Argument `index` as a string, or an error pointing at it.
    pub fn string(&self, index: usize) -> Result<&str, FunctionError> {
        self.arg(index)
            .as_str()
            .ok_or_else(|| FunctionError::argument(index, "a known, non-null string is required"))
    }
}

/// A provider-defined function.
#[async_trait]
pub trait Function: Send + Sync {
    /// The name after `provider::NAME::` (`edition`, `upgrade_path`).
    fn name(&self) -> String;
    fn signature(&self) -> Signature;
    /// Computes the result. It must be a value of the signature's return
    /// type and wholly known.
    async fn call(&self, req: CallRequest) -> Result<Value, FunctionError>;
}
