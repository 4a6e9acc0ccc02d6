//! Constructors of the response types, pre-filled from the request where
//! that is what a handler answers most of the time: a read that starts as
//! the current state, an update that fails keeping the prior state.
//!
//! A handler that works with `Result<_, Diagnostics>` (`?` on every step)
//! turns its error into a response with [`Respond::or_respond`], which adds
//! the diagnostics to the response it is given (`with_error`, which takes
//! warnings too):
//!
//! ```ignore
//! let refreshed = self.refresh(&req).await;
//! refreshed.or_respond(|| ReadResponse::unchanged(req))
//! ```

use super::*;

impl ApplyResponse {
    /// The new state after a create or update.
    pub fn ok(state: Value, private: Private) -> ApplyResponse {
        ApplyResponse {
            state,
            private,
            diagnostics: Diagnostics::new(),
        }
    }

    /// Nothing was changed: no state (a failed create saves nothing).
    pub fn error(d: impl Into<Diagnostics>) -> ApplyResponse {
        ApplyResponse {
            diagnostics: d.into(),
            ..ApplyResponse::default()
        }
    }

    /// A failed update: the prior state stays as it was.
    pub fn unchanged(req: UpdateRequest) -> ApplyResponse {
        ApplyResponse::ok(req.prior_state, req.private)
    }

    /// Adds diagnostics (errors or warnings) to the response.
    pub fn with_error(mut self, d: impl Into<Diagnostics>) -> ApplyResponse {
        self.diagnostics.extend(d.into());
        self
    }
}

impl ReadResponse {
    /// The state as the request had it: what a read answers when it could
    /// not learn anything new (add the reason with [`Self::with_error`]).
    pub fn unchanged(req: ReadRequest) -> ReadResponse {
        ReadResponse::found(req.state, req.private)
    }

    /// The object as read now.
    pub fn found(state: Value, private: Private) -> ReadResponse {
        ReadResponse {
            state,
            private,
            diagnostics: Diagnostics::new(),
        }
    }

    /// The object no longer exists: Terraform removes it from state and
    /// plans to create it again.
    pub fn gone(private: Private) -> ReadResponse {
        ReadResponse::found(Value::Null, private)
    }

    /// Adds diagnostics (errors or warnings) to the response.
    pub fn with_error(mut self, d: impl Into<Diagnostics>) -> ReadResponse {
        self.diagnostics.extend(d.into());
        self
    }
}

impl ImportResponse {
    /// A (possibly partial) state that `read` completes.
    pub fn ok(state: Value) -> ImportResponse {
        ImportResponse {
            state,
            ..ImportResponse::default()
        }
    }

    pub fn error(d: impl Into<Diagnostics>) -> ImportResponse {
        ImportResponse {
            diagnostics: d.into(),
            ..ImportResponse::default()
        }
    }
}

impl ReadDataResponse {
    pub fn ok(state: Value) -> ReadDataResponse {
        ReadDataResponse {
            state,
            diagnostics: Diagnostics::new(),
        }
    }

    pub fn error(d: impl Into<Diagnostics>) -> ReadDataResponse {
        ReadDataResponse {
            state: Value::Null,
            diagnostics: d.into(),
        }
    }
}

/// Turns the outcome of a handler written with `?` into its response: the
/// error case becomes `fallback` with the diagnostics added.
pub trait Respond<R> {
    fn or_respond(self, fallback: impl FnOnce() -> R) -> R;
}

impl Respond<ReadResponse> for Result<ReadResponse, Diagnostics> {
    fn or_respond(self, fallback: impl FnOnce() -> ReadResponse) -> ReadResponse {
        self.unwrap_or_else(|d| fallback().with_error(d))
    }
}

impl Respond<ApplyResponse> for Result<ApplyResponse, Diagnostics> {
    fn or_respond(self, fallback: impl FnOnce() -> ApplyResponse) -> ApplyResponse {
        self.unwrap_or_else(|d| fallback().with_error(d))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_start_from_the_request() {
        let req = ReadRequest {
            ctx: Ctx::default(),
            state: Value::object([("id", Value::from("a"))]),
            private: Private::default(),
        };
        let state = req.state.clone();
        let r = ReadResponse::unchanged(req).with_error(Diagnostic::error("x", "y"));
        assert_eq!(r.state, state);
        assert!(r.diagnostics.has_errors());
        assert!(ReadResponse::gone(Private::default()).state.is_null());
        let failed: Result<ReadResponse, Diagnostics> = Err(Diagnostic::error("x", "y").into());
        let req = ReadRequest {
            ctx: Ctx::default(),
            state: state.clone(),
            private: Private::default(),
        };
        let r = failed.or_respond(|| ReadResponse::unchanged(req));
        assert_eq!((r.state, r.diagnostics.len()), (state, 1));
    }

    #[test]
    fn failed_updates_keep_the_prior_state() {
        let req = UpdateRequest {
            ctx: Ctx::default(),
            config: Value::Null,
            plan: Value::Null,
            prior_state: Value::object([("id", Value::from("a"))]),
            private: Private::default(),
        };
        let prior = req.prior_state.clone();
        let r = ApplyResponse::unchanged(req).with_error(Diagnostic::error("x", "y"));
        assert_eq!(r.state, prior);
        assert!(ApplyResponse::error(Diagnostic::error("x", "y"))
            .state
            .is_null());
    }
}
