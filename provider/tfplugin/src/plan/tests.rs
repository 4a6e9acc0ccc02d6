use super::*;
use crate::modifiers::{RequiresReplace, UseStateForUnknown};
use crate::schema::{Attribute, Block, NestedBlock, Nesting};

fn block() -> Block {
    Block::new()
        .attribute(
            Attribute::string("id")
                .computed()
                .description("id")
                .plan_modifier(UseStateForUnknown),
        )
        .attribute(Attribute::string("name").required().description("n"))
        .attribute(
            Attribute::string("zone")
                .required()
                .description("z")
                .plan_modifier(RequiresReplace),
        )
        .attribute(
            Attribute::string("edition")
                .default_value("standard")
                .description("e"),
        )
        .attribute(
            Attribute::string("secret")
                .optional()
                .write_only()
                .description("s"),
        )
        .block(NestedBlock::new(
            "opts",
            Nesting::List,
            Block::new()
                .attribute(Attribute::number("size").optional().description("s"))
                .attribute(Attribute::string("state").computed().description("s")),
        ))
}

#[test]
fn create_plan_fills_defaults_and_unknowns() {
    let b = block();
    let config = Value::object([
        ("id", Value::Null),
        ("name", "a".into()),
        ("zone", "z1".into()),
        ("edition", Value::Null),
        ("secret", "hush".into()),
        (
            "opts",
            Value::List(vec![Value::object([
                ("size", Value::from(3)),
                ("state", Value::Null),
            ])]),
        ),
    ]);
    let mut plan = config.clone();
    apply_defaults(&b, &config, &mut plan);
    null_write_only(&b, &mut plan);
    mark_computed_unknown(&b, &config, &mut plan);
    let mut d = Diagnostics::new();
    let replace = run_modifiers(&b, &config, &Value::Null, &mut plan, true, &mut d);
    assert!(replace.is_empty());
    assert!(plan.get("id").unwrap().is_unknown());
    assert_eq!(plan.get("edition"), Some(&Value::from("standard")));
    assert_eq!(plan.get("secret"), Some(&Value::Null));
    let opts = plan.get("opts").unwrap().as_elements().unwrap();
    assert!(opts[0].get("state").unwrap().is_unknown());
}

#[test]
fn update_keeps_stable_ids_and_flags_replacement() {
    let b = block();
    let prior = Value::object([
        ("id", "c-1".into()),
        ("name", "a".into()),
        ("zone", "z1".into()),
        ("edition", "standard".into()),
        ("secret", Value::Null),
        ("opts", Value::List(vec![])),
    ]);
    let config = Value::object([
        ("id", Value::Null),
        ("name", "a".into()),
        ("zone", "z2".into()),
        ("edition", Value::Null),
        ("secret", Value::Null),
        ("opts", Value::List(vec![])),
    ]);
    // Terraform's proposal keeps the prior id for a computed attribute.
    let mut plan = config.clone();
    *plan.get_mut("id").unwrap() = "c-1".into();
    apply_defaults(&b, &config, &mut plan);
    assert_ne!(plan, prior);
    mark_computed_unknown(&b, &config, &mut plan);
    let mut d = Diagnostics::new();
    let replace = run_modifiers(&b, &config, &prior, &mut plan, false, &mut d);
    assert_eq!(plan.get("id"), Some(&Value::from("c-1")));
    assert_eq!(replace, vec![AttributePath::attr("zone")]);
}

#[test]
fn validators_see_nested_values_with_paths() {
    use crate::validators::IntBetween;
    let b = Block::new().block(NestedBlock::new(
        "pool",
        Nesting::List,
        Block::new().attribute(
            Attribute::number("size")
                .optional()
                .description("s")
                .validator(IntBetween(1, 10)),
        ),
    ));
    let config = Value::object([(
        "pool",
        Value::List(vec![
            Value::object([("size", Value::from(5))]),
            Value::object([("size", Value::from(50))]),
        ]),
    )]);
    let mut d = Diagnostics::new();
    validate(&b, &config, &mut d);
    assert_eq!(d.len(), 1);
    let diag = d.iter().next().unwrap();
    assert_eq!(diag.attribute.as_ref().unwrap().to_string(), "pool[1].size");
}

#[test]
fn nested_attribute_diagnostics_point_where_terraform_can_find_them() {
    use crate::validators::IntBetween;
    let size = || {
        Attribute::number("size")
            .optional()
            .description("s")
            .validator(IntBetween(1, 10))
    };
    let b = Block::new()
        .attribute(
            Attribute::nested("one", Nesting::Single, vec![size()])
                .optional()
                .description("o"),
        )
        .attribute(
            Attribute::nested("many", Nesting::List, vec![size()])
                .optional()
                .description("m"),
        );
    let config = Value::object([
        ("one", Value::object([("size", Value::from(50))])),
        (
            "many",
            Value::List(vec![
                Value::object([("size", Value::from(5))]),
                Value::object([("size", Value::from(50))]),
            ]),
        ),
    ]);
    let mut d = Diagnostics::new();
    validate(&b, &config, &mut d);
    let paths: Vec<String> = d
        .iter()
        .map(|x| x.attribute.as_ref().unwrap().to_string())
        .collect();
    assert_eq!(paths, ["one", "many[1]"]);
}

#[test]
fn unknowns_are_stripped_with_paths() {
    let mut v = Value::object([
        ("a", Value::unknown()),
        ("b", Value::List(vec![Value::unknown()])),
    ]);
    let mut found = Vec::new();
    strip_unknowns(&mut v, &AttributePath::root(), &mut found);
    assert_eq!(found.len(), 2);
    assert!(v.is_wholly_known());
}

/// Regression (#23): diagnostics a resource raised itself at a field of a
/// nested attribute ("Invalid autoscaling range" at `autoscaling.min_size`)
/// pointed at the resource's first line; they are cut back to where
/// Terraform can find them, through nested blocks to the attribute.
#[test]
fn resource_diagnostics_are_cut_to_where_terraform_finds_them() {
    let b = Block::new()
        .attribute(
            Attribute::nested(
                "one",
                Nesting::Single,
                vec![Attribute::number("size").optional().description("s")],
            )
            .optional()
            .description("o"),
        )
        .attribute(Attribute::string("plain").optional().description("p"))
        .block(crate::schema::NestedBlock::new(
            "timeouts",
            Nesting::List,
            Block::new().attribute(Attribute::string("create").optional().description("c")),
        ));
    let at = |p: AttributePath| Diagnostic::error("x", "y").at(p);
    let mut d: Diagnostics = [
        at(AttributePath::attr("one").push_attr("size")),
        at(AttributePath::attr("plain")),
        at(AttributePath::attr("timeouts")
            .push_index(0)
            .push_attr("create")),
        at(AttributePath::attr("one").push_key("k").push_attr("size")),
    ]
    .into_iter()
    .collect();
    super::locate(&b, &mut d);
    let paths: Vec<String> = d
        .iter()
        .map(|x| x.attribute.as_ref().unwrap().to_string())
        .collect();
    assert_eq!(paths, ["one", "plain", "timeouts[0].create", "one[\"k\"]"]);
}
