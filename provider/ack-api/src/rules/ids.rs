//! Identifiers and names a cluster's arguments carry: VPC, security group,
//! resource group and zone IDs, the cluster's DNS domain, certificate SANs,
//! time zones and control-plane log components.

use super::{chars, RuleError};

fn prefixed_id(
    s: &str,
    prefix: &str,
    what: &'static str,
    example: &'static str,
) -> Result<(), RuleError> {
    let ok = s.strip_prefix(prefix).is_some_and(|rest| {
        !rest.is_empty()
            && chars(s) <= 64
            && rest
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    });
    if ok {
        Ok(())
    } else {
        Err(RuleError::Format {
            what,
            value: s.to_owned(),
            example,
        })
    }
}

/// A VPC ID, `vpc-…`.
pub fn vpc_id(s: &str) -> Result<(), RuleError> {
    prefixed_id(s, "vpc-", "VPC ID", "vpc-bp1a2b3c4d5e6f7g8h9i0")
}

/// A vSwitch ID, `vsw-…`.
pub fn vswitch_id(s: &str) -> Result<(), RuleError> {
    prefixed_id(s, "vsw-", "vSwitch ID", "vsw-bp1a2b3c4d5e6f7g8h9i0")
}

/// A security group ID, `sg-…`.
pub fn security_group_id(s: &str) -> Result<(), RuleError> {
    prefixed_id(s, "sg-", "security group ID", "sg-bp1a2b3c4d5e6f7g8h9i0")
}

/// A resource group ID, `rg-…`.
pub fn resource_group_id(s: &str) -> Result<(), RuleError> {
    prefixed_id(s, "rg-", "resource group ID", "rg-acfmzabcdefghij")
}

/// A zone ID: a region ID and the zone's letter, such as `cn-hangzhou-i`
/// or `ap-southeast-1a`.
pub fn zone_id(s: &str) -> Result<(), RuleError> {
    let ok = super::region_id(s).is_ok() && s.ends_with(|c: char| c.is_ascii_lowercase());
    if ok {
        Ok(())
    } else {
        Err(RuleError::Format {
            what: "zone ID",
            value: s.to_owned(),
            example: "cn-hangzhou-i",
        })
    }
}

/// `[a-z0-9]([-a-z0-9]*[a-z0-9])?`, at most 63 characters.
fn dns_label(s: &str) -> bool {
    let ok = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit();
    !s.is_empty()
        && s.len() <= 63
        && s.starts_with(ok)
        && s.ends_with(ok)
        && s.chars().all(|c| ok(c) || c == '-')
}

/// The cluster's local DNS domain, such as `cluster.local`.
pub fn cluster_domain(s: &str) -> Result<(), RuleError> {
    if s.len() <= 253 && s.split('.').all(dns_label) {
        Ok(())
    } else {
        Err(RuleError::Format {
            what: "cluster domain",
            value: s.to_owned(),
            example: "cluster.local",
        })
    }
}

/// A Subject Alternative Name of the API server's certificate: an IP
/// address, or a DNS name (its first label may be `*`).
pub fn extra_san(s: &str) -> Result<(), RuleError> {
    if s.parse::<std::net::IpAddr>().is_ok() {
        return Ok(());
    }
    let name = s.strip_prefix("*.").unwrap_or(s);
    let host = name.to_ascii_lowercase();
    if host.len() <= 253 && host.split('.').all(dns_label) {
        return Ok(());
    }
    Err(RuleError::Format {
        what: "subject alternative name",
        value: s.to_owned(),
        example: "api.example.com",
    })
}

/// An IANA time zone name such as `Asia/Shanghai` (or `UTC`).
pub fn timezone(s: &str) -> Result<(), RuleError> {
    let part = |p: &str| {
        !p.is_empty()
            && p.starts_with(|c: char| c.is_ascii_alphabetic())
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+'))
    };
    if s.len() <= 64 && s.split('/').all(part) {
        Ok(())
    } else {
        Err(RuleError::Format {
            what: "time zone",
            value: s.to_owned(),
            example: "Asia/Shanghai",
        })
    }
}

/// Control-plane components whose logs the service can collect.
pub const CONTROL_PLANE_LOG_COMPONENTS: [&str; 6] = [
    "apiserver",
    "kcm",
    "scheduler",
    "ccm",
    "controlplane-events",
    "alb",
];

/// A control-plane log component.
pub fn control_plane_log_component(s: &str) -> Result<(), RuleError> {
    if CONTROL_PLANE_LOG_COMPONENTS.contains(&s) {
        Ok(())
    } else {
        Err(RuleError::Format {
            what: "control-plane log component",
            value: s.to_owned(),
            example: "apiserver",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_names() {
        assert!(vpc_id("vpc-ack00000000000000001").is_ok());
        assert!(vpc_id("vsw-x").is_err() && vpc_id("vpc-").is_err() && vpc_id("vpc-A").is_err());
        assert!(security_group_id("sg-abc1").is_ok());
        assert!(zone_id("cn-hangzhou-i").is_ok() && zone_id("ap-southeast-1a").is_ok());
        assert!(zone_id("cn-hangzhou-1").is_err() && zone_id("cn").is_err());
        assert!(
            cluster_domain("cluster.local").is_ok() && cluster_domain("Cluster.local").is_err()
        );
        for san in [
            "10.0.0.1",
            "::1",
            "api.example.com",
            "*.example.com",
            "localhost",
        ] {
            assert!(extra_san(san).is_ok(), "{san}");
        }
        for san in ["bad name", "-a.com", "*"] {
            assert!(extra_san(san).is_err(), "{san}");
        }
        assert!(timezone("Asia/Shanghai").is_ok() && timezone("UTC").is_ok());
        assert!(timezone("Asia Shanghai").is_err() && timezone("/x").is_err());
        assert!(control_plane_log_component("apiserver").is_ok());
        assert!(control_plane_log_component("etcd").is_err());
    }
}
