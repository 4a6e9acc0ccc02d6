//! Rego builtins that build a whole collection from a few numbers, replaced
//! by versions with a bound: the engine reserves such a collection at once,
//! and an allocation that fails ends the process (no error to report).

/// Most elements a builtin that makes a collection from two numbers
/// (`numbers.range`, `numbers.range_step`, `net.cidr_expand`) may produce:
/// the engine would reserve the whole collection at once, and an allocation
/// that fails ends the process.
pub const MAX_GENERATED_ELEMENTS: u64 = 1_000_000;

type Builtin = fn(Vec<regorus::Value>) -> anyhow::Result<regorus::Value>;

/// Replaces the builtins that build a collection from a few numbers with
/// versions that refuse more than [`MAX_GENERATED_ELEMENTS`] elements
/// (extensions take precedence over builtins of the same name).
pub(crate) fn guard_builtins(engine: &mut regorus::Engine) {
    let guards: [(&str, u8, Builtin); 3] = [
        ("numbers.range", 2, |a| range("numbers.range", &a, 1)),
        ("numbers.range_step", 3, |a| {
            match a.get(2).map(regorus::Value::as_i64) {
                Some(Ok(step)) if step > 0 => range("numbers.range_step", &a, step),
                _ => anyhow::bail!("numbers.range_step: the step must be a positive integer"),
            }
        }),
        ("net.cidr_expand", 1, cidr_expand),
    ];
    for (name, args, f) in guards {
        // Adding to a fresh engine cannot clash: the names are not taken.
        let _ = engine.add_extension(name.to_owned(), args, Box::new(f));
    }
}

fn too_many(name: &str, n: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!(
        "{name} would make {n} elements; a policy may make at most {MAX_GENERATED_ELEMENTS} at once"
    )
}

/// `numbers.range` / `numbers.range_step` with a bounded element count;
/// non-integer bounds are undefined, as the builtin has them.
fn range(name: &str, args: &[regorus::Value], step: i64) -> anyhow::Result<regorus::Value> {
    let (Some(Ok(a)), Some(Ok(b))) = (
        args.first().map(regorus::Value::as_i64),
        args.get(1).map(regorus::Value::as_i64),
    ) else {
        return Ok(regorus::Value::Undefined);
    };
    let span = (i128::from(b) - i128::from(a)).unsigned_abs();
    let count = span / step.unsigned_abs() as u128 + 1;
    if count > u128::from(MAX_GENERATED_ELEMENTS) {
        return Err(too_many(name, count));
    }
    let step = if b >= a { step } else { -step };
    let values: Vec<regorus::Value> = (0..count as i64)
        .map(|i| regorus::Value::from(a + i * step))
        .collect();
    Ok(regorus::Value::from(values))
}

/// `net.cidr_expand` refusing networks of more than
/// [`MAX_GENERATED_ELEMENTS`] addresses (an IPv6 /64 has 2^64).
fn cidr_expand(args: Vec<regorus::Value>) -> anyhow::Result<regorus::Value> {
    let cidr = match args.first() {
        Some(regorus::Value::String(s)) => s.clone(),
        _ => anyhow::bail!("net.cidr_expand: the argument must be a CIDR string"),
    };
    let (addr, len) = cidr
        .split_once('/')
        .ok_or_else(|| anyhow::anyhow!("net.cidr_expand: {cidr:?} is not a CIDR block"))?;
    let bits: u32 = if addr.contains(':') { 128 } else { 32 };
    let len: u32 = len
        .parse()
        .ok()
        .filter(|l| *l <= bits)
        .ok_or_else(|| anyhow::anyhow!("net.cidr_expand: {cidr:?} is not a CIDR block"))?;
    let host_bits = bits - len;
    if host_bits > 20 {
        return Err(too_many("net.cidr_expand", format!("2^{host_bits}")));
    }
    let bad = || anyhow::anyhow!("net.cidr_expand: {cidr:?} is not a CIDR block");
    let first: u128 = if bits == 32 {
        u128::from(u32::from(
            addr.parse::<std::net::Ipv4Addr>().map_err(|_| bad())?,
        ))
    } else {
        u128::from(addr.parse::<std::net::Ipv6Addr>().map_err(|_| bad())?)
    };
    let first = first >> host_bits << host_bits;
    let values: Vec<regorus::Value> = (0..1u128 << host_bits)
        .map(|i| {
            let a = first + i;
            let shown = match u32::try_from(a) {
                Ok(v4) if bits == 32 => std::net::Ipv4Addr::from(v4).to_string(),
                _ => std::net::Ipv6Addr::from(a).to_string(),
            };
            regorus::Value::String(shown.into())
        })
        .collect();
    Ok(regorus::Value::from(values))
}
