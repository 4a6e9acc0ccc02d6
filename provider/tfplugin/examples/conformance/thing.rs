//! `conformance_thing` and `conformance_legacy_thing`.

use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use serde_json::json;
use tfplugin::framework::*;
use tfplugin::modifiers::{RequiresReplace, UseStateForUnknown};
use tfplugin::validators::{IntBetween, OneOf};
use tfplugin::value::json::{from_json, to_json};
use tfplugin::{
    Attribute, AttributePath, Block, Diagnostic, Diagnostics, NestedBlock, Nesting, Schema, Value,
};

use crate::store::Store;

pub struct Thing {
    pub store: Arc<OnceLock<Store>>,
}

fn store(s: &Arc<OnceLock<Store>>) -> Result<&Store, Diagnostic> {
    s.get().ok_or_else(|| {
        Diagnostic::error(
            "Provider not configured",
            "ConfigureProvider was not called.",
        )
    })
}

fn set(v: &mut Value, name: &str, x: Value) {
    if let Some(slot) = v.get_mut(name) {
        *slot = x;
    }
}

impl Thing {
    fn save(&self, st: &Store, state: &Value) -> Result<(), Diagnostic> {
        let ty = self.schema().ty();
        let id = id_of(state).to_owned();
        let j = to_json(state, &ty, &AttributePath::root())
            .map_err(|e| Diagnostic::error("encode", e.to_string()))?;
        st.put(&id, &json!({"kind": "thing", "state": j}))
            .map_err(|e| Diagnostic::error("store", e))
    }

    /// Fills the computed values a create or update decides.
    fn settle(plan: &Value, config: &Value, revision: i64, token_length: Option<Value>) -> Value {
        let mut state = plan.clone();
        set(&mut state, "revision", Value::from(revision));
        if let Some(t) = token_length {
            set(&mut state, "token_length", t);
        }
        if let Some(s) = state.get_mut("settings") {
            if let Some(level) = s.get_mut("level") {
                if level.is_unknown() {
                    let mode = config
                        .get("settings")
                        .and_then(|c| c.get("mode"))
                        .and_then(Value::as_str);
                    *level = Value::from(if mode == Some("fast") { 3 } else { 1 });
                }
            }
        }
        state
    }
}

/// The `id` of a state, empty when it has none.
fn id_of(state: &Value) -> &str {
    state.get("id").and_then(Value::as_str).unwrap_or_default()
}

/// The schema of `block` with, first, the computed `id` every resource here
/// has, kept across plans.
fn with_id(mut block: Block) -> Schema {
    let id = Attribute::string("id")
        .computed()
        .description("ID.")
        .plan_modifier(UseStateForUnknown);
    block.attributes.insert(0, id);
    Schema::new(block)
}

#[async_trait]
impl Resource for Thing {
    fn type_name(&self) -> String {
        "conformance_thing".into()
    }

    fn schema(&self) -> Schema {
        with_id(
            Block::new()
                .attribute(
                    Attribute::string("name")
                        .required()
                        .description("Name; changes in place."),
                )
                .attribute(
                    Attribute::string("zone")
                        .optional()
                        .description("Zone; changing it replaces.")
                        .plan_modifier(RequiresReplace),
                )
                .attribute(
                    Attribute::number("size")
                        .default_value(1)
                        .description("Size, 1 to 100.")
                        .validator(IntBetween(1, 100)),
                )
                .attribute(
                    Attribute::number("big")
                        .optional()
                        .description("A number of any size."),
                )
                .attribute(
                    Attribute::string("password")
                        .optional()
                        .sensitive()
                        .description("A sensitive value."),
                )
                .attribute(
                    Attribute::string("token")
                        .optional()
                        .write_only()
                        .description("Never stored."),
                )
                .attribute(
                    Attribute::number("token_length")
                        .computed()
                        .description("Length of the token given at create.")
                        .plan_modifier(UseStateForUnknown),
                )
                .attribute(
                    Attribute::new("tags", tfplugin::Type::map(tfplugin::Type::String))
                        .optional()
                        .description("Tags."),
                )
                .attribute(
                    Attribute::number("revision")
                        .computed()
                        .description("Counts updates."),
                )
                .attribute(
                    Attribute::bool("protected")
                        .default_value(false)
                        .description("Refuse destroy plans."),
                )
                .attribute(
                    Attribute::nested(
                        "settings",
                        Nesting::Single,
                        vec![
                            Attribute::string("mode")
                                .optional()
                                .description("Mode.")
                                .validator(OneOf::new(["slow", "fast"])),
                            Attribute::number("level")
                                .computed()
                                .description("Derived from mode."),
                        ],
                    )
                    .optional()
                    .description("Nested attributes."),
                )
                .block(NestedBlock::new(
                    "rule",
                    Nesting::Set,
                    Block::new()
                        .attribute(
                            Attribute::number("port")
                                .required()
                                .description("Port.")
                                .validator(IntBetween(1, 65535)),
                        )
                        .attribute(
                            Attribute::string("proto")
                                .required()
                                .description("Protocol."),
                        ),
                )),
        )
        .version(1)
    }

    async fn modify_plan(&self, req: &ModifyPlanRequest, resp: &mut ModifyPlanResponse) {
        if resp.is_destroy()
            && req.prior_state.get("protected").and_then(Value::as_bool) == Some(true)
        {
            resp.diagnostics.push(
                Diagnostic::error(
                    "Thing is protected",
                    "Set protected = false and apply before destroying it.",
                )
                .at(AttributePath::attr("protected")),
            );
        }
    }

    async fn create(&self, req: CreateRequest) -> ApplyResponse {
        let st = match store(&self.store) {
            Ok(s) => s,
            Err(d) => return ApplyResponse::error(d),
        };
        let token_len = req
            .config
            .get("token")
            .and_then(Value::as_str)
            .map(|t| t.chars().count() as i64);
        let mut state = Self::settle(
            &req.plan,
            &req.config,
            0,
            Some(token_len.map_or(Value::Null, Value::from)),
        );
        set(&mut state, "id", Value::from(st.next_id("thing")));
        set(&mut state, "token", Value::Null);
        if let Err(d) = self.save(st, &state) {
            return ApplyResponse::error(d);
        }
        let mut private = req.private;
        private.set("origin", &"create");
        ApplyResponse::ok(state, private)
    }

    async fn read(&self, req: ReadRequest) -> ReadResponse {
        let st = match store(&self.store) {
            Ok(s) => s,
            Err(d) => {
                return ReadResponse {
                    state: req.state,
                    private: req.private,
                    diagnostics: d.into(),
                }
            }
        };
        let id = id_of(&req.state);
        let Some(obj) = st.get(id) else {
            return ReadResponse {
                state: Value::Null,
                private: req.private,
                diagnostics: Diagnostics::new(),
            };
        };
        let ty = self.schema().ty();
        let state = if obj["kind"] == "legacy" {
            let mut v = req.state.clone();
            set(
                &mut v,
                "name",
                Value::from(obj["label"].as_str().unwrap_or_default()),
            );
            v
        } else {
            match from_json(&obj["state"], &ty, &AttributePath::root()) {
                Ok(v) => v,
                Err(e) => {
                    return ReadResponse {
                        state: req.state,
                        private: req.private,
                        diagnostics: Diagnostic::error("stored object unreadable", e.to_string())
                            .into(),
                    }
                }
            }
        };
        let mut private = req.private;
        if private.get::<String>("origin").is_none() {
            private.set("origin", &"read");
        }
        ReadResponse {
            state,
            private,
            diagnostics: Diagnostics::new(),
        }
    }

    async fn update(&self, req: UpdateRequest) -> ApplyResponse {
        let st = match store(&self.store) {
            Ok(s) => s,
            Err(d) => return ApplyResponse::error(d),
        };
        let mut private = req.private;
        if private.get::<String>("origin").is_none() {
            return ApplyResponse::error(Diagnostic::error(
                "Private state lost",
                "The private state written at create did not come back through plan and apply.",
            ));
        }
        let updates = private.get::<i64>("updates").unwrap_or(0) + 1;
        private.set("updates", &updates);
        let revision = req
            .prior_state
            .get("revision")
            .and_then(Value::as_i64)
            .unwrap_or(0)
            + 1;
        let prior_len = req
            .prior_state
            .get("token_length")
            .cloned()
            .unwrap_or_default();
        let mut state = Self::settle(&req.plan, &req.config, revision, None);
        if state.get("token_length").is_some_and(Value::is_unknown) {
            set(&mut state, "token_length", prior_len);
        }
        set(&mut state, "token", Value::Null);
        if let Err(d) = self.save(st, &state) {
            return ApplyResponse {
                state: req.prior_state,
                private,
                diagnostics: d.into(),
            };
        }
        ApplyResponse::ok(state, private)
    }

    async fn delete(&self, req: DeleteRequest) -> Diagnostics {
        match store(&self.store) {
            Ok(st) => {
                st.delete(id_of(&req.state));
                Diagnostics::new()
            }
            Err(d) => d.into(),
        }
    }

    async fn import(&self, req: ImportRequest) -> ImportResponse {
        let mut private = Private::default();
        private.set("origin", &"import");
        ImportResponse {
            state: Value::object([("id", Value::from(req.id))]),
            private,
            diagnostics: Diagnostics::new(),
        }
    }

    /// Version 0 called `name` `label` and had no `revision`.
    async fn upgrade_state(&self, req: UpgradeStateRequest) -> UpgradeStateResponse {
        let fail = |m: String| UpgradeStateResponse {
            state: Value::Null,
            diagnostics: Diagnostic::error("Cannot upgrade state", m).into(),
        };
        if req.version != 0 {
            return fail(format!("unknown schema version {}", req.version));
        }
        let mut j: serde_json::Value = match serde_json::from_slice(&req.raw_json) {
            Ok(j) => j,
            Err(e) => return fail(e.to_string()),
        };
        let Some(obj) = j.as_object_mut() else {
            return fail("state is not an object".into());
        };
        if let Some(label) = obj.remove("label") {
            obj.insert("name".into(), label);
        }
        obj.insert("revision".into(), json!(0));
        match from_json(&j, &self.schema().ty(), &AttributePath::root()) {
            Ok(state) => UpgradeStateResponse {
                state,
                diagnostics: Diagnostics::new(),
            },
            Err(e) => fail(e.to_string()),
        }
    }

    async fn move_state(&self, req: MoveStateRequest) -> Option<MoveStateResponse> {
        if req.source_type_name != "conformance_legacy_thing" {
            return None;
        }
        let j: serde_json::Value =
            serde_json::from_slice(&req.source_state_json).unwrap_or_default();
        let state = Value::object([
            ("id", Value::from(j["id"].as_str().unwrap_or_default())),
            ("name", Value::from(j["label"].as_str().unwrap_or_default())),
            ("size", Value::from(1)),
            ("revision", Value::from(0)),
            ("protected", Value::from(false)),
            ("rule", Value::Set(vec![])),
        ]);
        let mut private = Private::default();
        private.set("origin", &"move");
        Some(MoveStateResponse {
            state,
            private,
            diagnostics: Diagnostics::new(),
        })
    }
}

/// The old resource type that `moved` blocks migrate from.
pub struct Legacy {
    pub store: Arc<OnceLock<Store>>,
}

#[async_trait]
impl Resource for Legacy {
    fn type_name(&self) -> String {
        "conformance_legacy_thing".into()
    }

    fn schema(&self) -> Schema {
        let label = Attribute::string("label")
            .required()
            .description("Label.")
            .plan_modifier(RequiresReplace);
        with_id(Block::new().attribute(label))
    }

    async fn create(&self, req: CreateRequest) -> ApplyResponse {
        let st = match store(&self.store) {
            Ok(s) => s,
            Err(d) => return ApplyResponse::error(d),
        };
        let id = st.next_id("legacy");
        let label = req
            .plan
            .get("label")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_owned();
        if let Err(e) = st.put(&id, &json!({"kind": "legacy", "label": label})) {
            return ApplyResponse::error(Diagnostic::error("store", e));
        }
        ApplyResponse::ok(
            Value::object([("id", Value::from(id)), ("label", Value::from(label))]),
            req.private,
        )
    }

    async fn read(&self, req: ReadRequest) -> ReadResponse {
        let Ok(st) = store(&self.store) else {
            return ReadResponse {
                state: req.state,
                ..Default::default()
            };
        };
        let id = id_of(&req.state);
        match st.get(id) {
            Some(_) => ReadResponse {
                state: req.state,
                private: req.private,
                diagnostics: Diagnostics::new(),
            },
            None => ReadResponse::default(),
        }
    }

    async fn update(&self, req: UpdateRequest) -> ApplyResponse {
        ApplyResponse::ok(req.plan, req.private)
    }

    async fn delete(&self, req: DeleteRequest) -> Diagnostics {
        if let Ok(st) = store(&self.store) {
            st.delete(id_of(&req.state));
        }
        Diagnostics::new()
    }
}
