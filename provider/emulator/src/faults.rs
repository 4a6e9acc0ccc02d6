//! Fault injection: throttling with the real code and rate-limit header,
//! 5xx, added latency, and "commit then lose the response".

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde::{Deserialize, Serialize};

/// What `POST /_emulator/faults` sets (every field optional; omitted fields
/// keep their value).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FaultSettings {
    /// Share (0–1) of API requests answered with throttling or a 5xx.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fail_rate: Option<f64>,
    /// Answer the next N API requests with `Throttling.User`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throttle: Option<u32>,
    /// Answer the next N API requests with 503 `ServiceUnavailable`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub server_error: Option<u32>,
    /// Carry out the next N mutating requests, then answer 503 as if the
    /// response had been lost on the way back.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub drop_response: Option<u32>,
    /// Delay every API response by this many milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency_ms: Option<u64>,
    /// Hold the answer of requests to the `actions` (all when empty) this
    /// many milliseconds *after* they were carried out: a slow network on
    /// the way back (a client cancelled meanwhile must not lose the object).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_delay_ms: Option<u64>,
    /// Limit the queued faults (`throttle`, `server_error`, `drop_response`)
    /// to these actions; empty means every action.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actions: Option<Vec<String>>,
    /// Instance types out of stock in zones: node creation there fails as
    /// ECS fails it (`[]` clears).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stockouts: Option<Vec<Stockout>>,
    /// Spot market price per hour of instance types: a pool whose price
    /// limit is lower gets no spot instance of the type (`{}` clears).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spot_prices: Option<std::collections::BTreeMap<String, f64>>,
    /// Node pools (by name) whose nodes cannot be drained: deleting them
    /// without `force` stays `deleting` and says why (`[]` clears).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stuck_pools: Option<Vec<String>>,
}

/// An instance type out of stock in a zone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stockout {
    pub zone_id: String,
    pub instance_type: String,
}

/// What node creation can get: injected stock-outs and spot prices.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Capacity {
    pub stockouts: Vec<Stockout>,
    pub spot_prices: std::collections::BTreeMap<String, f64>,
    pub stuck_pools: Vec<String>,
}

/// The fault a request gets before it is handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Before {
    None,
    Throttle,
    ServerError,
}

#[derive(Debug)]
pub struct Faults {
    pub fail_rate: f64,
    rng: StdRng,
    pub throttle: u32,
    pub server_error: u32,
    pub drop_response: u32,
    pub latency_ms: u64,
    pub response_delay_ms: u64,
    pub actions: Vec<String>,
    pub capacity: Capacity,
}

impl Faults {
    pub fn new(fail_rate: f64, seed: u64) -> Faults {
        Faults {
            fail_rate: fail_rate.clamp(0.0, 1.0),
            rng: StdRng::seed_from_u64(seed),
            throttle: 0,
            server_error: 0,
            drop_response: 0,
            latency_ms: 0,
            response_delay_ms: 0,
            actions: Vec::new(),
            capacity: Capacity::default(),
        }
    }

    pub fn apply(&mut self, s: &FaultSettings) {
        if let Some(r) = s.fail_rate {
            self.fail_rate = r.clamp(0.0, 1.0);
        }
        if let Some(n) = s.throttle {
            self.throttle = n;
        }
        if let Some(n) = s.server_error {
            self.server_error = n;
        }
        if let Some(n) = s.drop_response {
            self.drop_response = n;
        }
        if let Some(ms) = s.latency_ms {
            self.latency_ms = ms;
        }
        if let Some(ms) = s.response_delay_ms {
            self.response_delay_ms = ms;
        }
        if let Some(a) = &s.actions {
            self.actions.clone_from(a);
        }
        if let Some(st) = &s.stockouts {
            self.capacity.stockouts.clone_from(st);
        }
        if let Some(p) = &s.spot_prices {
            self.capacity.spot_prices.clone_from(p);
        }
        if let Some(p) = &s.stuck_pools {
            self.capacity.stuck_pools.clone_from(p);
        }
    }

    pub fn settings(&self) -> FaultSettings {
        FaultSettings {
            fail_rate: Some(self.fail_rate),
            throttle: Some(self.throttle),
            server_error: Some(self.server_error),
            drop_response: Some(self.drop_response),
            latency_ms: Some(self.latency_ms),
            response_delay_ms: Some(self.response_delay_ms),
            actions: Some(self.actions.clone()),
            stockouts: Some(self.capacity.stockouts.clone()),
            spot_prices: Some(self.capacity.spot_prices.clone()),
            stuck_pools: Some(self.capacity.stuck_pools.clone()),
        }
    }

    fn targets(&self, action: &str) -> bool {
        self.actions.is_empty() || self.actions.iter().any(|a| a == action)
    }

    /// Decides the fault for a request before it runs.
    pub fn before(&mut self, action: &str) -> Before {
        if self.targets(action) {
            if self.throttle > 0 {
                self.throttle -= 1;
                return Before::Throttle;
            }
            if self.server_error > 0 {
                self.server_error -= 1;
                return Before::ServerError;
            }
        }
        if self.fail_rate > 0.0 && self.rng.gen_bool(self.fail_rate) {
            return if self.rng.gen_bool(0.5) {
                Before::Throttle
            } else {
                Before::ServerError
            };
        }
        Before::None
    }

    /// How long to hold the answer of `action` after carrying it out.
    pub fn response_delay(&self, action: &str) -> std::time::Duration {
        if self.targets(action) {
            std::time::Duration::from_millis(self.response_delay_ms)
        } else {
            std::time::Duration::ZERO
        }
    }

    /// Whether to lose the response of a mutating request that just succeeded.
    pub fn drop_after_commit(&mut self, action: &str) -> bool {
        if self.drop_response > 0 && self.targets(action) {
            self.drop_response -= 1;
            return true;
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_failures_are_repeatable() {
        let run = || {
            let mut f = Faults::new(0.3, 42);
            (0..200)
                .map(|_| f.before("DescribeClusterDetail"))
                .collect::<Vec<_>>()
        };
        let a = run();
        assert_eq!(a, run());
        let failed = a.iter().filter(|b| **b != Before::None).count();
        assert!((30..=90).contains(&failed), "{failed}");
    }

    #[test]
    fn queued_faults_target_actions() {
        let mut f = Faults::new(0.0, 1);
        f.apply(&FaultSettings {
            throttle: Some(1),
            actions: Some(vec!["CreateCluster".into()]),
            ..Default::default()
        });
        assert_eq!(f.before("DescribeClusterDetail"), Before::None);
        assert_eq!(f.before("CreateCluster"), Before::Throttle);
        assert_eq!(f.before("CreateCluster"), Before::None);
    }
}
