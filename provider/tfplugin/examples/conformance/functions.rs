//! Provider-defined functions of the conformance provider:
//! `provider::conformance::parse_port(text)` and
//! `provider::conformance::join(separator, parts...)`.

use async_trait::async_trait;
use tfplugin::framework::*;
use tfplugin::{Type, Value};

/// `parse_port("8080")` → 8080; anything else is an error at the argument.
pub struct ParsePort;

#[async_trait]
impl Function for ParsePort {
    fn name(&self) -> String {
        "parse_port".into()
    }

    fn signature(&self) -> Signature {
        Signature::new(Type::Number)
            .summary("Parses a TCP port number.")
            .description("Returns the port as a number; text that is not a port (1-65535) is an error at the argument.")
            .parameter(Parameter::string("text").description("Decimal port number, e.g. `\"8080\"`."))
    }

    async fn call(&self, req: CallRequest) -> Result<Value, FunctionError> {
        let text = req.string(0)?;
        match text.trim().parse::<u16>() {
            Ok(p) if p > 0 => Ok(Value::from(i64::from(p))),
            _ => Err(FunctionError::argument(
                0,
                format!("{text:?} is not a TCP port; use a whole number from 1 to 65535"),
            )),
        }
    }
}

/// `join("-", "a", "b")` → `"a-b"` (variadic).
pub struct Join;

#[async_trait]
impl Function for Join {
    fn name(&self) -> String {
        "join".into()
    }

    fn signature(&self) -> Signature {
        Signature::new(Type::String)
            .summary("Joins strings with a separator.")
            .parameter(Parameter::string("separator").description("Put between parts."))
            .variadic(Parameter::string("parts").description("Strings to join."))
    }

    async fn call(&self, req: CallRequest) -> Result<Value, FunctionError> {
        let sep = req.string(0)?;
        let mut parts = Vec::new();
        for i in 1..req.arguments.len() {
            parts.push(req.string(i)?);
        }
        Ok(Value::from(parts.join(sep)))
    }
}
