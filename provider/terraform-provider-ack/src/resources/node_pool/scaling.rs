//! The nodes' placement, billing, login, image and disks: the API's
//! `scaling_group` from the model, and back. Every update sends all of it,
//! so that nothing the configuration sets is reset (alicloud issues 5189 and
//! 4229); what the API does not report (the password) is never read back.

use ack_api::model::{DataDisk, NodePoolDetail, ScalingGroup, SpotPriceLimit};

use super::model::{Disk, NodePool, SpotPrice};
use crate::common;

fn unsigned(n: Option<i64>) -> Option<u32> {
    n.and_then(|n| u32::try_from(n).ok())
}

fn signed(n: Option<u32>) -> Option<i64> {
    n.map(i64::from)
}

/// A list the API reports as empty when unset: null unless the prior value
/// was written (as an empty list).
fn list<T: Clone, U>(api: &[T], prior: Option<&Vec<U>>, f: impl Fn(&T) -> U) -> Option<Vec<U>> {
    (!api.is_empty() || prior.is_some()).then(|| api.iter().map(f).collect())
}

impl NodePool {
    /// `scaling_group` without sizes and instance types (set by the caller);
    /// `password` only when it is to be sent.
    pub fn scaling_group(&self, password: Option<&str>) -> ScalingGroup {
        let disks = self.data_disks.iter().flatten().map(|d| DataDisk {
            category: d.category.clone().unwrap_or_default(),
            size: unsigned(d.size).unwrap_or_default(),
            encrypted: d.encrypted.map(|e| e.to_string()),
            kms_key_id: d.kms_key_id.clone(),
            performance_level: d.performance_level.clone(),
            snapshot_id: d.snapshot_id.clone(),
            mount_target: d.mount_target.clone(),
            auto_format: d.auto_format,
            file_system: d.file_system.clone(),
        });
        let spot = self
            .spot_price_limit
            .iter()
            .flatten()
            .map(|s| SpotPriceLimit {
                instance_type: s.instance_type.clone().unwrap_or_default(),
                price_limit: s.price_limit.clone().unwrap_or_default(),
            });
        ScalingGroup {
            vswitch_ids: self.vswitch_ids.clone().unwrap_or_default(),
            tags: common::tags_to_api(self.tags.as_ref()),
            instance_charge_type: self.instance_charge_type.clone(),
            period: unsigned(self.period),
            period_unit: self.period_unit.clone(),
            auto_renew: self.auto_renew,
            auto_renew_period: unsigned(self.auto_renew_period),
            key_pair: self.key_pair.clone(),
            login_password: password.map(str::to_owned),
            system_disk_category: self.system_disk_category.clone(),
            system_disk_size: unsigned(self.system_disk_size),
            system_disk_performance_level: self.system_disk_performance_level.clone(),
            system_disk_encrypted: self.system_disk_encrypted,
            system_disk_kms_key_id: self.system_disk_kms_key_id.clone(),
            data_disks: disks.collect(),
            image_type: self.image_type.clone(),
            image_id: self.image_id.clone(),
            security_group_ids: self.security_group_ids.clone().unwrap_or_default(),
            spot_strategy: self.spot_strategy.clone(),
            spot_price_limit: spot.collect(),
            spot_instance_pools: unsigned(self.spot_instance_pools),
            spot_instance_remedy: self.spot_instance_remedy,
            on_demand_base_capacity: unsigned(self.on_demand_base_capacity),
            on_demand_percentage_above_base_capacity: unsigned(
                self.on_demand_percentage_above_base_capacity,
            ),
            compensate_with_on_demand: self.compensate_with_on_demand,
            multi_az_policy: self.multi_az_policy.clone(),
            ram_role_name: self.ram_role_name.clone(),
            deploymentset_id: self.deployment_set_id.clone(),
            internet_charge_type: self.internet_charge_type.clone(),
            internet_max_bandwidth_out: unsigned(self.internet_max_bandwidth_out),
            ..Default::default()
        }
    }

    /// The placement, billing, login, image and disk attributes of the
    /// state, from the API's view of the pool. The password is write-only:
    /// never read; its version is the prior state's.
    pub fn scaling_from_api(p: &NodePoolDetail, prior: &NodePool) -> NodePool {
        let sg = &p.scaling_group;
        let disks = list(&sg.data_disks, prior.data_disks.as_ref(), |d| Disk {
            category: Some(d.category.clone()),
            size: Some(i64::from(d.size)),
            performance_level: d.performance_level.clone(),
            encrypted: Some(d.encrypted.as_deref() == Some("true")),
            kms_key_id: d.kms_key_id.clone(),
            snapshot_id: d.snapshot_id.clone(),
            mount_target: d.mount_target.clone(),
            auto_format: d.auto_format,
            file_system: d.file_system.clone(),
        });
        let spot = list(&sg.spot_price_limit, prior.spot_price_limit.as_ref(), |s| {
            SpotPrice {
                instance_type: Some(s.instance_type.clone()),
                price_limit: Some(s.price_limit.clone()),
            }
        });
        NodePool {
            vswitch_ids: Some(sg.vswitch_ids.clone()),
            instance_charge_type: sg.instance_charge_type.clone(),
            period: signed(sg.period),
            period_unit: sg.period_unit.clone(),
            auto_renew: sg.auto_renew,
            auto_renew_period: signed(sg.auto_renew_period),
            spot_strategy: sg.spot_strategy.clone(),
            spot_price_limit: spot,
            spot_instance_pools: signed(sg.spot_instance_pools),
            spot_instance_remedy: sg.spot_instance_remedy,
            on_demand_base_capacity: signed(sg.on_demand_base_capacity),
            on_demand_percentage_above_base_capacity: signed(
                sg.on_demand_percentage_above_base_capacity,
            ),
            compensate_with_on_demand: sg.compensate_with_on_demand,
            multi_az_policy: sg.multi_az_policy.clone(),
            security_group_ids: list(
                &sg.security_group_ids,
                prior.security_group_ids.as_ref(),
                Clone::clone,
            ),
            ram_role_name: sg.ram_role_name.clone(),
            deployment_set_id: sg.deploymentset_id.clone(),
            internet_charge_type: sg.internet_charge_type.clone(),
            internet_max_bandwidth_out: signed(sg.internet_max_bandwidth_out),
            tags: common::tags_from_api(&sg.tags, prior.tags.as_ref()),
            resource_group_id: p.nodepool_info.resource_group_id.clone(),
            key_pair: sg.key_pair.clone().filter(|k| !k.is_empty()),
            login_password_wo: None,
            login_password_wo_version: prior.login_password_wo_version,
            image_type: sg.image_type.clone(),
            image_id: sg.image_id.clone(),
            system_disk_category: sg.system_disk_category.clone(),
            system_disk_size: signed(sg.system_disk_size),
            system_disk_performance_level: sg.system_disk_performance_level.clone(),
            system_disk_encrypted: sg.system_disk_encrypted,
            system_disk_kms_key_id: sg.system_disk_kms_key_id.clone(),
            data_disks: disks,
            ..NodePool::default()
        }
    }

    /// The password to send: at create, and when its version changes.
    pub fn password_to_send<'a>(
        config_password: Option<&'a str>,
        plan: &NodePool,
        prior: Option<&NodePool>,
    ) -> Option<&'a str> {
        let changed = prior.is_none_or(|p| {
            p.login_password_wo_version != plan.login_password_wo_version
                || p.key_pair.is_some() && plan.key_pair.is_none()
        });
        config_password.filter(|_| changed)
    }
}
