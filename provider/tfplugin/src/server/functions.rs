//! GetFunctions and CallFunction: declarations built once from each
//! function's [`Signature`], arguments decoded by parameter type, errors
//! pointing at the offending argument.

use std::collections::HashMap;
use std::sync::Arc;

use super::convert;
use crate::function::{CallRequest, Function, FunctionError, Parameter, Signature};
use crate::proto::tfplugin6 as pb;

struct Entry {
    function: Arc<dyn Function>,
    signature: Signature,
}

/// The provider's functions, by name.
pub(super) struct Functions {
    map: HashMap<String, Entry>,
}

fn parameter(p: &Parameter) -> pb::function::Parameter {
    pb::function::Parameter {
        name: p.name.clone(),
        r#type: p.ty.to_json_bytes(),
        allow_null_value: p.allow_null,
        allow_unknown_values: p.allow_unknown,
        description: p.description.clone(),
        description_kind: pb::StringKind::Markdown as i32,
    }
}

fn declaration(s: &Signature) -> pb::Function {
    pb::Function {
        parameters: s.parameters.iter().map(parameter).collect(),
        variadic_parameter: s.variadic.as_ref().map(parameter),
        r#return: Some(pb::function::Return {
            r#type: s.return_type.to_json_bytes(),
        }),
        summary: s.summary.clone(),
        description: s.description.clone(),
        description_kind: pb::StringKind::Markdown as i32,
        deprecation_message: s.deprecation_message.clone(),
    }
}

fn error(e: FunctionError) -> pb::call_function::Response {
    pb::call_function::Response {
        result: None,
        error: Some(pb::FunctionError {
            text: e.message,
            function_argument: e.argument.and_then(|i| i64::try_from(i).ok()),
        }),
    }
}

impl Functions {
    pub(super) fn new(list: Vec<Arc<dyn Function>>) -> Functions {
        let map = list
            .into_iter()
            .map(|f| {
                let signature = f.signature();
                (
                    f.name(),
                    Entry {
                        function: f,
                        signature,
                    },
                )
            })
            .collect();
        Functions { map }
    }

    /// The `functions` map of GetProviderSchema and GetFunctions.
    pub(super) fn declarations(&self) -> HashMap<String, pb::Function> {
        self.map
            .iter()
            .map(|(k, e)| (k.clone(), declaration(&e.signature)))
            .collect()
    }

    pub(super) fn names(&self) -> Vec<String> {
        self.map.keys().cloned().collect()
    }

    pub(super) async fn call(
        &self,
        req: pb::call_function::Request,
    ) -> pb::call_function::Response {
        let Some(e) = self.map.get(&req.name) else {
            return error(FunctionError::new(format!(
                "this provider has no function named {:?}; check the name and the provider version",
                req.name
            )));
        };
        let sig = &e.signature;
        let given = req.arguments.len();
        let fixed = sig.parameters.len();
        if given < fixed || (sig.variadic.is_none() && given > fixed) {
            return error(FunctionError::new(format!(
                "{} takes {}{} argument(s), but {given} were given",
                req.name,
                fixed,
                if sig.variadic.is_some() {
                    " or more"
                } else {
                    ""
                }
            )));
        }
        let mut arguments = Vec::with_capacity(given);
        let mut any_unknown = false;
        for (i, dv) in req.arguments.iter().enumerate() {
            let Some(p) = sig.parameter_for(i) else {
                return error(FunctionError::argument(i, "unexpected argument"));
            };
            let v = match convert::decode(Some(dv), &p.ty, "function argument") {
                Ok(v) => v,
                Err(d) => return error(FunctionError::argument(i, d.detail)),
            };
            if v.is_null() && !p.allow_null {
                return error(FunctionError::argument(
                    i,
                    format!("{} must not be null", p.name),
                ));
            }
            any_unknown |= !v.is_wholly_known();
            arguments.push(v);
        }
        let result = match e.function.call(CallRequest { arguments }).await {
            Ok(v) => v,
            Err(err) => return error(err),
        };
        if !any_unknown && !result.is_wholly_known() {
            return error(FunctionError::new(format!(
                "{} returned an unknown value for known arguments; this is a bug in the provider, please report it",
                req.name
            )));
        }
        match convert::encode(&result, &sig.return_type, "function result") {
            Ok(v) => pb::call_function::Response {
                result: Some(v),
                error: None,
            },
            Err(d) => error(FunctionError::new(format!("{}: {}", d.summary, d.detail))),
        }
    }
}
