//! CIDR blocks of a cluster's services and pods.

use ipnet::Ipv4Net;

use super::RuleError;

/// Shortest and longest prefix a service or pod block may have.
const PREFIX: std::ops::RangeInclusive<u8> = 8..=30;

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

    #[test]
    fn overlap() {
        assert!(cidrs_disjoint("172.21.0.0/20", "172.20.0.0/16").is_ok());
        assert!(cidrs_disjoint("172.20.0.0/20", "172.20.0.0/16").is_err());
        assert!(cidrs_disjoint("10.0.0.0/8", "10.200.0.0/16").is_err());
        assert!(cidrs_disjoint("10.200.0.0/16", "10.0.0.0/8").is_err());
        assert!(cidrs_disjoint("bad", "10.0.0.0/8").is_ok());
    }
}
