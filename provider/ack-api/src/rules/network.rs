//! CIDR blocks of a cluster's services and pods.

use ipnet::Ipv4Net;

use super::RuleError;

/// Shortest and longest prefix a service or pod block may have.
const PREFIX: std::ops::RangeInclusive<u8> = 8..=30;

/// The special-purpose IPv4 ranges (IANA's registry, RFC 6890 and its
/// updates) that cannot address pods or services: what they are for. The
/// private ranges (10/8, 172.16/12, 192.168/16) and the shared address space
/// (100.64/10) are usable and not listed.
pub const SPECIAL_PURPOSE_RANGES: &[(&str, &str)] = &[
    ("0.0.0.0/8", "\"this network\" (RFC 791)"),
    ("127.0.0.0/8", "loopback (RFC 1122)"),
    ("169.254.0.0/16", "link-local addressing (RFC 3927)"),
    ("192.0.0.0/24", "IETF protocol assignments (RFC 6890)"),
    ("192.0.2.0/24", "documentation, TEST-NET-1 (RFC 5737)"),
    ("192.88.99.0/24", "6to4 relay anycast (RFC 7526)"),
    ("198.18.0.0/15", "benchmarking (RFC 2544)"),
    ("198.51.100.0/24", "documentation, TEST-NET-2 (RFC 5737)"),
    ("203.0.113.0/24", "documentation, TEST-NET-3 (RFC 5737)"),
    ("224.0.0.0/4", "multicast (RFC 5771)"),
    (
        "240.0.0.0/4",
        "reserved for future use and broadcast (RFC 1112, RFC 919)",
    ),
];

/// The special-purpose range `net` shares addresses with, if any.
fn special_purpose(net: &Ipv4Net) -> Option<(&'static str, &'static str)> {
    SPECIAL_PURPOSE_RANGES.iter().copied().find(|(range, _)| {
        range
            .parse::<Ipv4Net>()
            .is_ok_and(|r| r.contains(&net.network()) || net.contains(&r.network()))
    })
}

/// An IPv4 CIDR block with a /8-/30 prefix and no host bits set
/// (`10.1.2.3/8` is refused: the block is `10.0.0.0/8`).
pub fn cidr(s: &str) -> Result<Ipv4Net, RuleError> {
    // ipnet accepts some forms a user did not mean (no prefix is an error
    // there too); insist on the canonical `a.b.c.d/n` shape.
    let net: Ipv4Net = s.parse().map_err(|_| RuleError::Cidr(s.to_owned()))?;
    if !s.contains('/') {
        return Err(RuleError::Cidr(s.to_owned()));
    }
    if !PREFIX.contains(&net.prefix_len()) {
        return Err(RuleError::CidrPrefix {
            value: s.to_owned(),
            len: net.prefix_len(),
        });
    }
    if net.trunc() != net {
        return Err(RuleError::CidrHostBits {
            value: s.to_owned(),
            network: net.trunc().to_string(),
        });
    }
    if let Some((range, purpose)) = special_purpose(&net) {
        return Err(RuleError::CidrSpecialPurpose {
            value: s.to_owned(),
            range,
            purpose,
        });
    }
    Ok(net)
}

/// The service and pod blocks must not share an address. Blocks that are
/// not valid themselves are left to [`cidr`].
pub fn cidrs_disjoint(service: &str, pod: &str) -> Result<(), RuleError> {
    let (Ok(a), Ok(b)) = (cidr(service), cidr(pod)) else {
        return Ok(());
    };
    if a.contains(&b.network()) || b.contains(&a.network()) {
        return Err(RuleError::CidrOverlap {
            a: service.to_owned(),
            b: pod.to_owned(),
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks() {
        assert!(cidr("172.20.0.0/16").is_ok());
        assert!(cidr("10.0.0.0/8").is_ok());
        assert!(matches!(
            cidr("10.1.2.3/8"),
            Err(RuleError::CidrHostBits { ref network, .. }) if network == "10.0.0.0/8"
        ));
        assert!(matches!(
            cidr("10.0.0.0/7"),
            Err(RuleError::CidrPrefix { len: 7, .. })
        ));
        assert!(matches!(
            cidr("10.0.0.0/31"),
            Err(RuleError::CidrPrefix { .. })
        ));
        for bad in [
            "",
            "10.0.0.0",
            "10.0.0.0/33",
            "300.0.0.0/8",
            "10.0.0.0/-1",
            "::/8",
            "a/b",
            "10.0.0.0/8 ",
        ] {
            assert!(cidr(bad).is_err(), "{bad}");
        }
    }

    /// Every special-purpose range, its first and last block, and blocks
    /// around it, as a class: none can address pods or services.
    #[test]
    fn special_purpose_ranges_are_refused_as_a_class() {
        for (range, _) in SPECIAL_PURPOSE_RANGES {
            let r: Ipv4Net = range.parse().unwrap();
            let first = format!("{}/{}", r.network(), r.prefix_len().clamp(8, 30));
            let last = std::net::Ipv4Addr::from(u32::from(r.broadcast()) - 3);
            let inner = Ipv4Net::new(last, 30).unwrap();
            for block in [first, inner.trunc().to_string()] {
                if PREFIX.contains(&block.parse::<Ipv4Net>().unwrap().prefix_len()) {
                    assert!(
                        matches!(cidr(&block), Err(RuleError::CidrSpecialPurpose { .. })),
                        "{block} in {range}"
                    );
                }
            }
            // A block that covers the range is refused too.
            let cover = Ipv4Net::new(r.network(), 8).unwrap().trunc().to_string();
            assert!(cidr(&cover).is_err(), "{cover} covers {range}");
        }
        for reported in [
            "224.0.0.0/8",
            "127.0.0.0/16",
            "0.0.0.0/8",
            "240.0.0.0/8",
            "169.254.0.0/16",
        ] {
            let e = cidr(reported).unwrap_err().to_string();
            assert!(e.contains("cannot address pods or services"), "{e}");
        }
        for usable in [
            "10.0.0.0/8",
            "172.16.0.0/12",
            "192.168.0.0/16",
            "100.64.0.0/10",
            "172.20.0.0/16",
            "11.0.0.0/8",
        ] {
            assert!(cidr(usable).is_ok(), "{usable}");
        }
    }

    #[test]
    fn overlap() {
        assert!(cidrs_disjoint("172.21.0.0/20", "172.20.0.0/16").is_ok());
        assert!(cidrs_disjoint("172.20.0.0/20", "172.20.0.0/16").is_err());
        assert!(cidrs_disjoint("10.0.0.0/8", "10.200.0.0/16").is_err());
        assert!(cidrs_disjoint("10.200.0.0/16", "10.0.0.0/8").is_err());
        assert!(cidrs_disjoint("bad", "10.0.0.0/8").is_ok());
    }
}
