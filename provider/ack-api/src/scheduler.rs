//! Which catalog features a scheduler profile asks for — the one table the
//! provider's plan check, the emulator's enforcement and `check` all use.
//! Attribute names are the provider's (`ack_scheduler_profile`), so callers
//! can point a diagnostic at the setting that asks.

use crate::edition::Feature;
use crate::model::SchedulerConfig;

/// The boolean switches of a profile, each with the feature it needs.
pub const SWITCHES: [(&str, Feature); 4] = [
    ("gang_scheduling", Feature::GangScheduling),
    ("topology_aware_cpu", Feature::TopologyAwareCpu),
    ("topology_aware_gpu", Feature::TopologyAwareGpu),
    ("npu_scheduling", Feature::NpuScheduling),
];

/// The cGPU edition that needs ACK Pro (`none` and `basic` work on both).
pub const PRO_CGPU_EDITION: &str = "professional";

/// A profile's settings as the tier rules see them. A switch that is not
/// known yet (at plan time) is `false`: it asks for nothing until known.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Ask<'a> {
    /// The switches, in the order of [`SWITCHES`].
    pub switches: [bool; 4],
    pub cgpu_edition: Option<&'a str>,
    /// Whether any score plugin weight is set.
    pub score_plugins: bool,
}

impl<'a> Ask<'a> {
    /// The settings of an API request.
    pub fn of_config(cfg: &'a SchedulerConfig) -> Ask<'a> {
        Ask {
            switches: [
                cfg.gang_scheduling,
                cfg.topology_aware_cpu,
                cfg.topology_aware_gpu,
                cfg.npu_scheduling,
            ],
            cgpu_edition: Some(cfg.cgpu_edition.as_str()),
            score_plugins: !cfg.score_plugin_weights.is_empty(),
        }
    }

    /// The features asked for, each with the attribute that asks.
    pub fn features(&self) -> Vec<(Feature, &'static str)> {
        let mut out: Vec<(Feature, &'static str)> = SWITCHES
            .iter()
            .zip(self.switches)
            .filter(|(_, on)| *on)
            .map(|((attr, feature), _)| (*feature, *attr))
            .collect();
        if self.cgpu_edition == Some(PRO_CGPU_EDITION) {
            out.push((Feature::ProfessionalCgpu, "cgpu_edition"));
        }
        if self.score_plugins {
            out.push((Feature::MultipleScoringAlgorithms, "score_plugins"));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_default_profile_asks_nothing_and_every_setting_asks_its_feature() {
        assert!(Ask::default().features().is_empty());
        assert!(Ask::of_config(&SchedulerConfig::default())
            .features()
            .is_empty());
        let all = Ask {
            switches: [true; 4],
            cgpu_edition: Some("professional"),
            score_plugins: true,
        };
        let features: Vec<Feature> = all.features().into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            features,
            [
                Feature::GangScheduling,
                Feature::TopologyAwareCpu,
                Feature::TopologyAwareGpu,
                Feature::NpuScheduling,
                Feature::ProfessionalCgpu,
                Feature::MultipleScoringAlgorithms
            ]
        );
        let basic = Ask {
            cgpu_edition: Some("basic"),
            ..Ask::default()
        };
        assert!(basic.features().is_empty());
    }
}
