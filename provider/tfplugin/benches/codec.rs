//! Value codec throughput on a state shaped like a real cluster resource.

#![allow(clippy::unwrap_used)]

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use tfplugin::__private::msgpack;
use tfplugin::value::json;
use tfplugin::{Type, Value};

fn cluster() -> (Type, Value) {
    let pool = Type::object([
        ("name", Type::String),
        ("desired_size", Type::Number),
        ("instance_types", Type::list(Type::String)),
        ("labels", Type::map(Type::String)),
    ]);
    let ty = Type::object([
        ("id", Type::String),
        ("name", Type::String),
        ("edition", Type::String),
        ("kubernetes_version", Type::String),
        ("max_nodes", Type::Number),
        ("deletion_protection", Type::Bool),
        ("vswitch_ids", Type::list(Type::String)),
        ("tags", Type::map(Type::String)),
        ("pools", Type::list(pool)),
    ]);
    let pools = (0..8)
        .map(|i| {
            Value::object([
                ("name", Value::from(format!("pool-{i}"))),
                ("desired_size", Value::from(3 + i)),
                (
                    "instance_types",
                    Value::List(vec!["ecs.g7.xlarge".into(), "ecs.g7.2xlarge".into()]),
                ),
                (
                    "labels",
                    Value::Map(
                        (0..4)
                            .map(|j| (format!("k{j}"), Value::from(format!("v{j}"))))
                            .collect(),
                    ),
                ),
            ])
        })
        .collect();
    let v = Value::object([
        ("id", "c82e6987e2961451182edacd74faf3d4a".into()),
        ("name", "production".into()),
        ("edition", "pro".into()),
        ("kubernetes_version", "1.31.1-aliyun.1".into()),
        ("max_nodes", Value::from(5000)),
        ("deletion_protection", true.into()),
        (
            "vswitch_ids",
            Value::List(vec!["vsw-a".into(), "vsw-b".into(), "vsw-c".into()]),
        ),
        (
            "tags",
            Value::Map(
                (0..6)
                    .map(|j| (format!("tag{j}"), Value::from("value")))
                    .collect(),
            ),
        ),
        ("pools", Value::List(pools)),
    ]);
    (ty, v)
}

fn codecs(c: &mut Criterion) {
    let (ty, v) = cluster();
    let mp = msgpack::encode(&v, &ty).unwrap();
    let js = json::encode(&v, &ty).unwrap();
    c.bench_function("msgpack_encode_cluster", |b| {
        b.iter(|| msgpack::encode(black_box(&v), &ty).unwrap())
    });
    c.bench_function("msgpack_decode_cluster", |b| {
        b.iter(|| msgpack::decode(black_box(&mp), &ty).unwrap())
    });
    c.bench_function("json_encode_cluster", |b| {
        b.iter(|| json::encode(black_box(&v), &ty).unwrap())
    });
    c.bench_function("json_decode_cluster", |b| {
        b.iter(|| json::decode(black_box(&js), &ty).unwrap())
    });
}

criterion_group!(benches, codecs);
criterion_main!(benches);
