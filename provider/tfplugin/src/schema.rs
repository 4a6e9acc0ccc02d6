//! Schemas: what a provider configuration, resource or data source accepts
//! and stores. Beyond the wire schema, attributes carry the provider-side
//! behaviour the framework runs: defaults, plan modifiers and validators.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::modifiers::PlanModifier;
use crate::types::Type;
use crate::validators::Validator;
use crate::value::Value;

/// The schema of a provider configuration, resource or data source.
#[derive(Clone, Default)]
pub struct Schema {
    /// Version of a resource schema; bump it when stored state changes shape
    /// and handle the old shape in `upgrade_state`.
    pub version: i64,
    pub block: Block,
}

impl Schema {
    pub fn new(block: Block) -> Schema {
        Schema { version: 0, block }
    }

    #[must_use]
    pub fn version(mut self, v: i64) -> Schema {
        self.version = v;
        self
    }

    /// The type of values of this schema.
    pub fn ty(&self) -> Type {
        self.block.ty()
    }
}

/// A block: attributes and nested blocks.
#[derive(Clone, Default)]
pub struct Block {
    pub description: String,
    pub deprecated: bool,
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<NestedBlock>,
}

impl Block {
    pub fn new() -> Block {
        Block::default()
    }

    #[must_use]
    pub fn description(mut self, d: impl Into<String>) -> Block {
        self.description = d.into();
        self
    }

    #[must_use]
    pub fn attribute(mut self, a: Attribute) -> Block {
        self.attributes.push(a);
        self
    }

    #[must_use]
    pub fn block(mut self, b: NestedBlock) -> Block {
        self.blocks.push(b);
        self
    }

    /// The object type of this block's values.
    pub fn ty(&self) -> Type {
        let mut attrs: BTreeMap<String, Type> = self
            .attributes
            .iter()
            .map(|a| (a.name.clone(), a.ty()))
            .collect();
        for b in &self.blocks {
            attrs.insert(b.type_name.clone(), b.ty());
        }
        Type::Object(attrs)
    }

    pub fn get_attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    pub fn get_block(&self, name: &str) -> Option<&NestedBlock> {
        self.blocks.iter().find(|b| b.type_name == name)
    }
}

/// How nested blocks or nested attributes repeat.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nesting {
    /// At most one; the value is an object or null.
    Single,
    /// Blocks only: exactly one object, all-null when absent.
    Group,
    List,
    Set,
    /// Keyed by label.
    Map,
}

/// A nested block type (`timeouts { … }`, `managed { … }`).
#[derive(Clone)]
pub struct NestedBlock {
    pub type_name: String,
    pub nesting: Nesting,
    pub block: Block,
    pub min_items: i64,
    pub max_items: i64,
}

impl NestedBlock {
    pub fn new(type_name: impl Into<String>, nesting: Nesting, block: Block) -> NestedBlock {
        NestedBlock {
            type_name: type_name.into(),
            nesting,
            block,
            min_items: 0,
            max_items: 0,
        }
    }

    #[must_use]
    pub fn items(mut self, min: i64, max: i64) -> NestedBlock {
        self.min_items = min;
        self.max_items = max;
        self
    }

    pub fn ty(&self) -> Type {
        nest(self.nesting, self.block.ty())
    }
}

fn nest(nesting: Nesting, obj: Type) -> Type {
    match nesting {
        Nesting::Single | Nesting::Group => obj,
        Nesting::List => Type::list(obj),
        Nesting::Set => Type::set(obj),
        Nesting::Map => Type::map(obj),
    }
}

/// What an attribute holds: a plain type, or nested attributes.
#[derive(Clone)]
pub enum AttributeType {
    Plain(Type),
    Nested {
        nesting: Nesting,
        attributes: Vec<Attribute>,
    },
}

/// One attribute with its wire flags and its provider-side behaviour.
#[derive(Clone)]
pub struct Attribute {
    pub name: String,
    pub kind: AttributeType,
    pub description: String,
    pub required: bool,
    pub optional: bool,
    pub computed: bool,
    pub sensitive: bool,
    pub write_only: bool,
    pub deprecated: bool,
    /// Planned when the configuration leaves the attribute null (needs optional + computed).
    pub default: Option<Value>,
    pub plan_modifiers: Vec<Arc<dyn PlanModifier>>,
    pub validators: Vec<Arc<dyn Validator>>,
}

impl Attribute {
    pub fn new(name: impl Into<String>, ty: Type) -> Attribute {
        Attribute {
            name: name.into(),
            kind: AttributeType::Plain(ty),
            description: String::new(),
            required: false,
            optional: false,
            computed: false,
            sensitive: false,
            write_only: false,
            deprecated: false,
            default: None,
            plan_modifiers: Vec::new(),
            validators: Vec::new(),
        }
    }

    pub fn string(name: impl Into<String>) -> Attribute {
        Attribute::new(name, Type::String)
    }
    pub fn number(name: impl Into<String>) -> Attribute {
        Attribute::new(name, Type::Number)
    }
    pub fn bool(name: impl Into<String>) -> Attribute {
        Attribute::new(name, Type::Bool)
    }

    /// An attribute holding nested attributes (protocol 6 nested types).
    pub fn nested(
        name: impl Into<String>,
        nesting: Nesting,
        attributes: Vec<Attribute>,
    ) -> Attribute {
        let mut a = Attribute::new(name, Type::Dynamic);
        a.kind = AttributeType::Nested {
            nesting,
            attributes,
        };
        a
    }

    #[must_use]
    pub fn description(mut self, d: impl Into<String>) -> Attribute {
        self.description = d.into();
        self
    }
    #[must_use]
    pub fn required(mut self) -> Attribute {
        self.required = true;
        self
    }
    #[must_use]
    pub fn optional(mut self) -> Attribute {
        self.optional = true;
        self
    }
    #[must_use]
    pub fn computed(mut self) -> Attribute {
        self.computed = true;
        self
    }
    #[must_use]
    pub fn sensitive(mut self) -> Attribute {
        self.sensitive = true;
        self
    }
    #[must_use]
    pub fn write_only(mut self) -> Attribute {
        self.write_only = true;
        self
    }
    #[must_use]
    pub fn deprecated(mut self) -> Attribute {
        self.deprecated = true;
        self
    }
    /// Sets a default; makes the attribute optional and computed.
    #[must_use]
    pub fn default_value(mut self, v: impl Into<Value>) -> Attribute {
        self.default = Some(v.into());
        self.optional = true;
        self.computed = true;
        self
    }
    #[must_use]
    pub fn plan_modifier(mut self, m: impl PlanModifier + 'static) -> Attribute {
        self.plan_modifiers.push(Arc::new(m));
        self
    }
    #[must_use]
    pub fn validator(mut self, v: impl Validator + 'static) -> Attribute {
        self.validators.push(Arc::new(v));
        self
    }

    /// The type of this attribute's values.
    pub fn ty(&self) -> Type {
        match &self.kind {
            AttributeType::Plain(t) => t.clone(),
            AttributeType::Nested {
                nesting,
                attributes,
            } => {
                let obj = Type::Object(
                    attributes
                        .iter()
                        .map(|a| (a.name.clone(), a.ty()))
                        .collect(),
                );
                nest(*nesting, obj)
            }
        }
    }

    /// Nested attributes, when this attribute has them.
    pub fn nested_attributes(&self) -> Option<(Nesting, &[Attribute])> {
        match &self.kind {
            AttributeType::Nested {
                nesting,
                attributes,
            } => Some((*nesting, attributes)),
            AttributeType::Plain(_) => None,
        }
    }
}

/// Problems Terraform would reject a schema for ("provider has invalid schema").
pub fn check_schema(block: &Block) -> Vec<String> {
    let mut problems = Vec::new();
    check_block(block, "", &mut problems);
    problems
}

fn check_block(block: &Block, prefix: &str, problems: &mut Vec<String>) {
    let mut names = std::collections::BTreeSet::new();
    for a in &block.attributes {
        check_attribute(a, prefix, problems);
        if !names.insert(a.name.clone()) {
            problems.push(format!("{prefix}{}: duplicate name", a.name));
        }
    }
    for b in &block.blocks {
        let name = format!("{prefix}{}", b.type_name);
        if !valid_name(&b.type_name) {
            problems.push(format!(
                "{name}: block names use lowercase letters, digits and underscores"
            ));
        }
        if !names.insert(b.type_name.clone()) {
            problems.push(format!("{name}: duplicate name"));
        }
        match b.nesting {
            Nesting::Single
                if b.min_items > 1
                    || b.max_items > 1
                    || b.min_items != b.max_items && b.max_items != 0 =>
            {
                problems.push(format!(
                    "{name}: single blocks have min_items == max_items, each 0 or 1"
                ));
            }
            Nesting::Group | Nesting::Map if b.min_items != 0 || b.max_items != 0 => {
                problems.push(format!("{name}: group and map blocks take no item limits"));
            }
            Nesting::List | Nesting::Set if b.max_items != 0 && b.min_items > b.max_items => {
                problems.push(format!("{name}: min_items > max_items"));
            }
            _ => {}
        }
        if b.nesting == Nesting::Set && b.block.ty().has_dynamic() {
            problems.push(format!("{name}: set blocks cannot hold dynamic types"));
        }
        check_block(&b.block, &format!("{name}."), problems);
    }
}

fn check_attribute(a: &Attribute, prefix: &str, problems: &mut Vec<String>) {
    let name = format!("{prefix}{}", a.name);
    if !valid_name(&a.name) {
        problems.push(format!(
            "{name}: attribute names use lowercase letters, digits and underscores"
        ));
    }
    if !a.required && !a.optional && !a.computed {
        problems.push(format!("{name}: must be required, optional or computed"));
    }
    if a.required && (a.optional || a.computed) {
        problems.push(format!("{name}: required excludes optional and computed"));
    }
    if a.default.is_some() && !(a.optional && a.computed) {
        problems.push(format!("{name}: a default needs optional + computed"));
    }
    if a.write_only && a.computed {
        problems.push(format!("{name}: write-only attributes cannot be computed"));
    }
    if a.description.trim().is_empty() {
        problems.push(format!("{name}: no description"));
    }
    if let AttributeType::Nested { attributes, .. } = &a.kind {
        for n in attributes {
            check_attribute(n, &format!("{name}."), problems);
        }
    }
}

fn valid_name(n: &str) -> bool {
    !n.is_empty()
        && n.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
}
