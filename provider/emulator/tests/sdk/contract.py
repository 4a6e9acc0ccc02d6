"""Contract test: the official Python SDK (alibabacloud-cs20151215) against
the emulator. Every modelled operation goes through the SDK's typed request
models, with the SDK's defaults (ACS3-HMAC-SHA256, JSON bodies, its query
encoding); assertions are on the SDK's parsed response models and
exceptions. Where our model and the SDK disagree, the SDK wins unless the
API reference says otherwise.

Run by tests/sdk_contract.rs with:
  ACK_EMULATOR_ENDPOINT      host:port of an emulator (default credentials)
  ACK_EMULATOR_STS_ENDPOINT  host:port of one started with --security-token
  ACK_EMULATOR_STS_TOKEN     that token
"""

import json
import os
import sys
import time
import urllib.request

from alibabacloud_cs20151215 import models as m
from alibabacloud_cs20151215.client import Client
from alibabacloud_tea_openapi import utils_models as open_api
from alibabacloud_tea_openapi.exceptions import (
    AlibabaCloudException,
    ClientException,
    ThrottlingException,
)

from darabonba.core import DaraCore

ENDPOINT = os.environ["ACK_EMULATOR_ENDPOINT"]
STS_ENDPOINT = os.environ["ACK_EMULATOR_STS_ENDPOINT"]
STS_TOKEN = os.environ["ACK_EMULATOR_STS_TOKEN"]
REGION = "cn-hangzhou"
CHECKS = []


# Every successful response is parsed by the SDK's model; a field the model
# does not know would be dropped. Record those: the emulator must send only
# fields the SDK knows.
UNKNOWN_FIELDS = []
_from_map = DaraCore.from_map


def _lost(raw, mapped, path=""):
    out = []
    if isinstance(raw, dict) and isinstance(mapped, dict):
        for k, v in raw.items():
            out += [f"{path}.{k}"] if k not in mapped else _lost(v, mapped[k], f"{path}.{k}")
    elif isinstance(raw, list) and isinstance(mapped, list):
        for a, b in zip(raw, mapped):
            out += _lost(a, b, f"{path}[]")
    return out


def _checked_from_map(model, m):
    out = _from_map(model, m)
    raw = m.get("body") if isinstance(m, dict) else None
    body = getattr(out, "body", None)
    # A free-form body (a dict, e.g. DescribeClusterAddonsVersion) has no model to lose fields.
    if raw is not None and body is not None and not isinstance(body, dict):
        mapped = [x.to_map() for x in body] if isinstance(body, list) else body.to_map()
        UNKNOWN_FIELDS.extend(f"{type(model).__name__}{p}" for p in _lost(raw, mapped))
    return out


DaraCore.from_map = staticmethod(_checked_from_map)


def client(key="emulator", secret="emulator-secret", endpoint=ENDPOINT, token=None):
    cfg = open_api.Config(
        access_key_id=key,
        access_key_secret=secret,
        security_token=token,
        endpoint=endpoint,
        protocol="http",
        region_id=REGION,
    )
    return Client(cfg)


def check(name):
    def wrap(f):
        CHECKS.append((name, f))
        return f

    return wrap


def expect_error(fn, code, status=None, kind=ClientException):
    try:
        fn()
    except AlibabaCloudException as e:
        assert isinstance(e, kind), f"expected {kind.__name__}, got {type(e).__name__}: {e.code}"
        assert e.code == code, f"expected {code}, got {e.code}: {e.message}"
        if status is not None:
            assert e.status_code == status, f"expected HTTP {status}, got {e.status_code}"
        assert e.request_id and e.request_id != "None", "errors carry a request id"
        return e
    raise AssertionError(f"expected {code}, the call succeeded")


def wait_task(c, task_id):
    for _ in range(400):
        t = c.describe_task_info(task_id).body
        assert t.task_id == task_id
        if t.state == "success":
            return t
        assert t.state == "running", f"task {task_id} is {t.state}"
        time.sleep(0.02)
    raise AssertionError(f"task {task_id} did not finish")


def wait_cluster(c, cid, state="running"):
    for _ in range(400):
        d = c.describe_cluster_detail(cid).body
        if d.state == state:
            return d
        time.sleep(0.02)
    raise AssertionError(f"cluster {cid} never reached {state}")


def wait_pool(c, cid, np):
    for _ in range(400):
        p = c.describe_cluster_node_pool_detail(cid, np).body
        if p.status.state == "active":
            return p
        time.sleep(0.02)
    raise AssertionError(f"node pool {np} never became active")


# The emulator's documented default network (GET /_emulator/inventory).
VPC = "vpc-ack00000000000000001"
VSWITCHES = ["vsw-ack00000000000000001", "vsw-ack00000000000000002"]
POD_VSWITCHES = ["vsw-ack00000000000000011", "vsw-ack00000000000000012"]


def in_vpc():
    """A Flannel cluster in the default VPC: what CreateCluster requires."""
    return dict(
        vpcid=VPC,
        vswitch_ids=VSWITCHES,
        addons=[m.Addon(name="flannel", config="")],
        container_cidr="172.20.0.0/16",
    )


def create(c, name, spec, network=None, **extra):
    req = m.CreateClusterRequest(
        name=name,
        region_id=REGION,
        cluster_type="ManagedKubernetes",
        cluster_spec=spec,
        tags=[m.Tag(key="env", value="contract")],
        endpoint_public_access=True,
        **(in_vpc() if network is None else network),
        **extra,
    )
    r = c.create_cluster(req).body
    assert r.cluster_id and r.task_id and r.request_id
    wait_task(c, r.task_id)
    return wait_cluster(c, r.cluster_id)


def pool_request(name, size, managed=False):
    return m.CreateClusterNodePoolRequest(
        nodepool_info=m.CreateClusterNodePoolRequestNodepoolInfo(name=name),
        scaling_group=m.CreateClusterNodePoolRequestScalingGroup(
            instance_types=["ecs.g7.xlarge"],
            desired_size=size,
            system_disk_size=120,
            system_disk_category="cloud_essd",
            data_disks=[m.DataDisk(category="cloud_essd", size=200, encrypted="true", kms_key_id="key-ack00000000000000002")],
            instance_charge_type="PostPaid",
            vswitch_ids=["vsw-ack00000000000000001", "vsw-ack00000000000000002"],
            security_group_ids=["sg-ack00000000000000001"],
            key_pair="ack-keypair",
            system_disk_encrypted=True,
            system_disk_kms_key_id="key-ack00000000000000001",
            multi_az_policy="BALANCE",
            deploymentset_id="ds-ack0001",
        ),
        kubernetes_config=m.CreateClusterNodePoolRequestKubernetesConfig(
            labels=[m.Tag(key="team", value="a")],
            taints=[m.Taint(key="dedicated", value="gpu", effect="NoSchedule")],
        ),
        management=m.CreateClusterNodePoolRequestManagement(enable=True, auto_repair=True)
        if managed
        else None,
    )


@check("catalogues: quota, versions, addons")
def catalogues():
    c = client()
    q = c.describe_user_quota().body
    assert (q.cluster_quota, q.amk_cluster_quota, q.cluster_nodepool_quota) == (50, 20, 20), q.to_map()
    assert q.node_quota == 5000 and q.ask_cluster_quota == 20
    assert q.quotas["cluster_nodepool_quota"].quota == "20"
    v = c.describe_kubernetes_version_metadata(
        m.DescribeKubernetesVersionMetadataRequest(cluster_type="ManagedKubernetes", region=REGION)
    ).body
    assert len(v) >= 2
    for meta in v:
        assert meta.release_date and meta.expiration_date and meta.runtimes, meta.to_map()
        assert meta.runtimes[0].name == "containerd"
    none = c.describe_kubernetes_version_metadata(
        m.DescribeKubernetesVersionMetadataRequest(cluster_type="ExternalKubernetes", region=REGION)
    ).body
    assert none == []
    addons = c.list_addons(m.ListAddonsRequest(region_id=REGION, cluster_type="ManagedKubernetes")).body
    names = [a.name for a in addons.addons]
    assert "kube-scheduler" in names and "csi-plugin" in names, names
    assert all(json.loads(a.config_schema)["type"] == "object" for a in addons.addons)
    std_addons = c.list_addons(m.ListAddonsRequest(region_id=REGION, cluster_spec="ack.standard")).body
    assert "security-inspector" not in [a.name for a in std_addons.addons], "Pro-only addons are not offered"
    groups = c.describe_addons(m.DescribeAddonsRequest(region=REGION, cluster_type="ManagedKubernetes")).body
    assert groups.component_groups[0].group_name == "network"
    assert groups.standard_components["kube-scheduler"].required == "true"


@check("clusters: create, describe, list (query with a space), modify, tags, upgrade")
def clusters():
    c = client()
    # Zones instead of a VPC: the service creates the VPC and its vSwitches.
    zones = dict(zone_ids=["cn-hangzhou-k"], addons=[m.Addon(name="flannel")], container_cidr="172.20.0.0/16")
    d = create(c, "sdk-std", "ack.standard", network=zones, node_cidr_mask=25)
    assert d.cluster_spec == "ack.standard" and d.zone_id == "cn-hangzhou-k"
    assert d.vpc_id.startswith("vpc-") and d.vswitch_ids
    assert d.security_group_id and d.network_mode == "vpc" and d.node_cidr_mask == 25
    # Terway in the default VPC, with pod vSwitches.
    terway = dict(vpcid=VPC, vswitch_ids=VSWITCHES, pod_vswitch_ids=POD_VSWITCHES,
                  addons=[m.Addon(name="terway-eniip")])
    t = create(c, "sdk-terway", "ack.standard", network=terway, security_group_id="sg-ack00000000000000001")
    assert t.vpc_id == VPC and t.security_group_id == "sg-ack00000000000000001"
    r = c.delete_cluster(t.cluster_id, m.DeleteClusterRequest()).body
    wait_task(c, r.task_id)
    # What the service refuses: no VPC, no network plugin, a vSwitch of another VPC.
    expect_error(lambda: c.create_cluster(m.CreateClusterRequest(
        name="nonet", region_id=REGION, addons=[m.Addon(name="flannel")], container_cidr="172.20.0.0/16")),
        "MissingParameter", 400)
    expect_error(lambda: c.create_cluster(m.CreateClusterRequest(
        name="noplugin", region_id=REGION, vpcid=VPC, vswitch_ids=VSWITCHES)), "MissingParameter", 400)
    expect_error(lambda: c.create_cluster(m.CreateClusterRequest(
        name="othervpc", region_id=REGION, vpcid=VPC, vswitch_ids=["vsw-ack00000000000000021"],
        addons=[m.Addon(name="flannel")], container_cidr="172.20.0.0/16")), "InvalidParameter.VSwitchIds", 400)
    # ModifyCluster takes vSwitches, time zone, SANs and the public endpoint in place.
    r = c.modify_cluster(d.cluster_id, m.ModifyClusterRequest(
        timezone="Asia/Shanghai", api_server_eip=False, enable_rrsa=True,
        api_server_custom_cert_sans=m.ModifyClusterRequestApiServerCustomCertSans(
            action="overwrite", subject_alternative_names=["api.example.com"]))).body
    wait_task(c, r.task_id)
    d2 = wait_cluster(c, d.cluster_id)
    assert d2.timezone == "Asia/Shanghai" and json.loads(d2.master_url)["api_server_endpoint"] == ""
    assert json.loads(d2.meta_data)["RRSAConfig"]["enabled"] is True
    # Control-plane and audit logs, changed after create.
    r = c.update_control_plane_log(d.cluster_id, m.UpdateControlPlaneLogRequest(
        components=["apiserver", "kcm"], log_ttl="7")).body
    wait_task(c, r.task_id)
    wait_cluster(c, d.cluster_id)
    log = c.check_control_plane_log_enable(d.cluster_id).body
    assert log.components == ["apiserver", "kcm"] and log.log_ttl == "7"
    assert log.log_project == f"k8s-log-{d.cluster_id}"
    expect_error(lambda: c.update_control_plane_log(d.cluster_id, m.UpdateControlPlaneLogRequest(
        components=["etcd"])), "InvalidParameter", 400)
    r = c.update_cluster_audit_log_config(d.cluster_id, m.UpdateClusterAuditLogConfigRequest(
        disable=False, sls_project_name="audit-project")).body
    wait_task(c, r.task_id)
    wait_cluster(c, d.cluster_id)
    audit = c.get_cluster_audit_project(d.cluster_id).body
    assert audit.audit_enabled is True and audit.sls_project_name == "audit-project"
    assert json.loads(d.master_url)["api_server_endpoint"].startswith("https://")
    assert "Capabilities" in json.loads(d.meta_data)
    listed = c.describe_clusters_v1(m.DescribeClustersV1Request(name="sdk std", page_size=50)).body
    assert listed.page_info.total_count == 0
    listed = c.describe_clusters_v1(m.DescribeClustersV1Request(name="sdk-std", region_id=REGION)).body
    assert [x.cluster_id for x in listed.clusters] == [d.cluster_id]
    r = c.modify_cluster(
        d.cluster_id,
        m.ModifyClusterRequest(deletion_protection=True, instance_deletion_protection=True),
    ).body
    wait_task(c, r.task_id)
    wait_cluster(c, d.cluster_id)
    expect_error(
        lambda: c.modify_cluster(
            d.cluster_id,
            m.ModifyClusterRequest(
                maintenance_window=m.MaintenanceWindow(
                    enable=True, maintenance_time="03:00:00Z", duration="3h", weekly_period="Monday"
                )
            ),
        ),
        "ErrorClusterSpecNotSupported",
        400,
    )
    c.modify_cluster_tags(d.cluster_id, m.ModifyClusterTagsRequest(body=[m.Tag(key="a", value="b c")]))
    assert wait_cluster(c, d.cluster_id).tags[0].value == "b c"
    r = c.upgrade_cluster(d.cluster_id, m.UpgradeClusterRequest(next_version="1.32.1-aliyun.1")).body
    wait_task(c, r.task_id)
    assert wait_cluster(c, d.cluster_id).current_version == "1.32.1-aliyun.1"
    expect_error(
        lambda: c.upgrade_cluster(d.cluster_id, m.UpgradeClusterRequest(next_version="1.28.15-aliyun.1")),
        "InvalidParameter.KubernetesVersion",
        400,
    )
    expect_error(lambda: c.delete_cluster(d.cluster_id, m.DeleteClusterRequest()), "ErrorDeletionProtection", 400)
    r = c.modify_cluster(d.cluster_id, m.ModifyClusterRequest(deletion_protection=False)).body
    wait_task(c, r.task_id)
    wait_cluster(c, d.cluster_id)
    r = c.migrate_cluster(
        d.cluster_id,
        m.MigrateClusterRequest(oss_bucket_name="bucket", oss_bucket_endpoint="oss-cn-hangzhou.aliyuncs.com"),
    ).body
    wait_task(c, r.task_id)
    assert wait_cluster(c, d.cluster_id).cluster_spec == "ack.pro.small"
    expect_error(lambda: c.migrate_cluster(d.cluster_id, m.MigrateClusterRequest()), "ErrorClusterSpecNotSupported")
    r = c.delete_cluster(d.cluster_id, m.DeleteClusterRequest()).body
    wait_task(c, r.task_id)
    expect_error(lambda: c.describe_cluster_detail(d.cluster_id), "ErrorClusterNotFound", 404)


@check("pro features: provisioned spec, maintenance window, KMS, scheduler addon")
def pro_features():
    c = client()
    window = m.MaintenanceWindow(enable=True, maintenance_time="03:00:00Z", duration="3h", weekly_period="Monday")
    d = create(c, "sdk-pro", "ack.pro.xlarge", maintenance_window=window, encryption_provider_key="key-ack00000000000000001")
    assert d.cluster_spec == "ack.pro.xlarge", "the provisioned tier is kept as sent"
    assert d.maintenance_window.weekly_period == "Monday"
    assert json.loads(d.meta_data)["Capabilities"]["EncryptionKMSKeyId"] == "key-ack00000000000000001"
    # (The 409 of a second change within 5 minutes is covered by tests/api.rs:
    # at this test's speed the 5 minutes last 3 ms.)
    c.update_kmsencryption(d.cluster_id, m.UpdateKMSEncryptionRequest(disable_encryption=True))
    d = wait_cluster(c, d.cluster_id)
    assert json.loads(d.meta_data)["Capabilities"]["DisableEncryption"] is True
    cfg = json.dumps({"gangScheduling": True, "cgpuEdition": "professional", "podMaxBackoffSeconds": 10})
    c.modify_cluster_addon(d.cluster_id, "kube-scheduler", m.ModifyClusterAddonRequest(config=cfg))
    inst = c.get_cluster_addon_instance(d.cluster_id, "kube-scheduler").body
    assert inst.name == "kube-scheduler" and inst.state in ("updating", "active")
    assert json.loads(inst.config)["gangScheduling"] is True
    expect_error(lambda: c.get_cluster_addon_instance(d.cluster_id, "nope"), "AddonNotFound", 404)
    std = create(c, "sdk-std2", "ack.standard")
    expect_error(
        lambda: c.modify_cluster_addon(std.cluster_id, "kube-scheduler", m.ModifyClusterAddonRequest(config=cfg)),
        "ErrorClusterSpecNotSupported",
    )
    e = expect_error(
        lambda: c.update_kmsencryption(std.cluster_id, m.UpdateKMSEncryptionRequest(kms_key_id="key-ack00000000000000001")),
        "ErrorClusterSpecNotSupported",
    )
    assert "edition =" not in e.message, "the service speaks the API's language"


@check("addons: install, describe, configure, upgrade, uninstall, versions, catalog refusals")
def addon_lifecycle():
    c = client()
    d = create(c, "sdk-addons", "ack.standard")
    cid = d.cluster_id
    r = c.install_cluster_addons(cid, m.InstallClusterAddonsRequest(body=[
        m.InstallClusterAddonsRequestBody(name="csi-plugin", version="v1.30.3-aliyun.1", config='{"FuseType": "ossfs"}'),
    ])).body
    assert r.task_id and r.cluster_id == cid and r.request_id
    wait_task(c, r.task_id)
    inst = c.describe_cluster_addon_instance(cid, "csi-plugin").body
    assert (inst.name, inst.version, inst.state) == ("csi-plugin", "v1.30.3-aliyun.1", "active"), inst.to_map()
    assert json.loads(inst.config) == {"FuseType": "ossfs"}
    c.modify_cluster_addon(cid, "csi-plugin", m.ModifyClusterAddonRequest(config='{"FuseType":"ossfs2"}'))
    versions = c.describe_cluster_addons_version(cid).body
    assert versions["csi-plugin"]["next_version"] == "v1.32.1-aliyun.1", versions
    detail = c.describe_addon("csi-plugin", m.DescribeAddonRequest(cluster_id=cid, version="v1.30.3-aliyun.1")).body
    assert [v.version for v in detail.newer_versions][-1] == "v1.33.0-aliyun.1"
    assert detail.newer_versions[-1].upgradable is False and detail.newer_versions[-1].minimum_cluster_version
    for _ in range(400):
        if c.get_cluster_addon_instance(cid, "csi-plugin").body.state == "active":
            break
        time.sleep(0.02)
    r = c.upgrade_cluster_addons(cid, m.UpgradeClusterAddonsRequest(body=[
        m.UpgradeClusterAddonsRequestBody(component_name="csi-plugin", version="v1.30.3-aliyun.1",
                                          next_version="v1.32.1-aliyun.1", policy="overwrite"),
    ])).body
    wait_task(c, r.task_id)
    listed = c.list_cluster_addon_instances(cid).body
    assert {a.name: a.version for a in listed.addons}["csi-plugin"] == "v1.32.1-aliyun.1"
    expect_error(
        lambda: c.install_cluster_addons(cid, m.InstallClusterAddonsRequest(body=[
            m.InstallClusterAddonsRequestBody(name="security-inspector")])),
        "ErrorClusterSpecNotSupported", 400,
    )
    expect_error(
        lambda: c.install_cluster_addons(cid, m.InstallClusterAddonsRequest(body=[
            m.InstallClusterAddonsRequestBody(name="logtail-ds", config='{"nope": 1}')])),
        "InvalidParameter.AddonConfig", 400,
    )
    expect_error(
        lambda: c.un_install_cluster_addons(cid, m.UnInstallClusterAddonsRequest(addons=[
            m.UnInstallClusterAddonsRequestAddons(name="flannel")])),
        "AddonNotSupportUninstall", 400,
    )
    r = c.un_install_cluster_addons(cid, m.UnInstallClusterAddonsRequest(addons=[
        m.UnInstallClusterAddonsRequestAddons(name="csi-plugin", cleanup_cloud_resources=True)])).body
    wait_task(c, r.task_id)
    expect_error(lambda: c.describe_cluster_addon_instance(cid, "csi-plugin"), "AddonNotFound", 404)
    wait_task(c, c.delete_cluster(cid, m.DeleteClusterRequest()).body.task_id)


@check("cluster inspection: Pro only, schedule rule, config, reports")
def inspection():
    c = client()
    pro = create(c, "sdk-inspect", "ack.pro.small").cluster_id
    std = create(c, "sdk-inspect-std", "ack.standard").cluster_id
    daily = "FREQ=DAILY;BYHOUR=3;BYMINUTE=0"
    expect_error(
        lambda: c.create_cluster_inspect_config(std, m.CreateClusterInspectConfigRequest(enabled=True, recurrence=daily)),
        "ErrorClusterSpecNotSupported", 400,
    )
    expect_error(
        lambda: c.create_cluster_inspect_config(pro, m.CreateClusterInspectConfigRequest(
            enabled=True, recurrence="FREQ=DAILY;BYHOUR=3;BYMINUTE=0;COUNT=2")),
        "InvalidParameter.Recurrence", 400,
    )
    expect_error(lambda: c.get_cluster_inspect_config(pro), "InspectConfigNotFound", 404)
    c.create_cluster_inspect_config(pro, m.CreateClusterInspectConfigRequest(
        enabled=True, recurrence=daily, disabled_check_items=["NodeDiskPressure"]))
    c.update_cluster_inspect_config(pro, m.UpdateClusterInspectConfigRequest(schedule_time="FREQ=DAILY;BYHOUR=5;BYMINUTE=15"))
    got = c.get_cluster_inspect_config(pro).body
    assert (got.enabled, got.recurrence, got.disabled_check_items) == (
        True, "FREQ=DAILY;BYHOUR=5;BYMINUTE=15", ["NodeDiskPressure"]), got.to_map()
    reports = c.list_cluster_inspect_reports(pro, m.ListClusterInspectReportsRequest(max_results=1)).body
    assert reports.reports[0].status == "completed" and reports.reports[0].summary.normal_count >= 1
    c.delete_cluster_inspect_config(pro)
    expect_error(lambda: c.delete_cluster_inspect_config(pro), "InspectConfigNotFound", 404)
    for cid in (pro, std):
        wait_task(c, c.delete_cluster(cid, m.DeleteClusterRequest()).body.task_id)


@check("node pools: create, list, describe, partial modify, delete, tier refusal, quota")
def node_pools():
    c = client()
    pro = create(c, "sdk-pools", "ack.pro.small")
    r = c.create_cluster_node_pool(pro.cluster_id, pool_request("workers", 2, managed=True)).body
    assert r.nodepool_id and r.task_id
    wait_task(c, r.task_id)
    p = wait_pool(c, pro.cluster_id, r.nodepool_id)
    assert p.nodepool_info.name == "workers" and p.status.total_nodes == 2
    assert p.management.enable and p.kubernetes_config.taints[0].effect == "NoSchedule"
    assert p.scaling_group.system_disk_size == 120 and p.scaling_group.data_disks[0].size == 200
    pools = c.describe_cluster_node_pools(pro.cluster_id, m.DescribeClusterNodePoolsRequest()).body
    assert [x.nodepool_info.nodepool_id for x in pools.nodepools] == [r.nodepool_id]
    named = m.DescribeClusterNodePoolsRequest(nodepool_name="nope")
    assert c.describe_cluster_node_pools(pro.cluster_id, named).body.nodepools == []
    sg = p.scaling_group
    assert sg.vswitch_ids == ["vsw-ack00000000000000001", "vsw-ack00000000000000002"] and sg.key_pair == "ack-keypair"
    assert sg.system_disk_kms_key_id == "key-ack00000000000000001" and sg.deploymentset_id == "ds-ack0001"
    assert sg.data_disks[0].kms_key_id == "key-ack00000000000000002" and sg.security_group_ids == ["sg-ack00000000000000001"]
    # What the service refuses (#18): required fields, network objects of
    # the inventory and the cluster's VPC, one login, the password's rule.
    no_vsw = pool_request("novsw", 1)
    no_vsw.scaling_group.vswitch_ids = None
    expect_error(lambda: c.create_cluster_node_pool(pro.cluster_id, no_vsw), "MissingParameter")
    no_charge = pool_request("nocharge", 1)
    no_charge.scaling_group.instance_charge_type = None
    expect_error(lambda: c.create_cluster_node_pool(pro.cluster_id, no_charge), "MissingParameter")
    other_vpc = pool_request("othervpc", 1)
    other_vpc.scaling_group.vswitch_ids = ["vsw-ack00000000000000021"]
    expect_error(lambda: c.create_cluster_node_pool(pro.cluster_id, other_vpc), "InvalidParameter.VSwitchIds")
    no_key = pool_request("nokey", 1)
    no_key.scaling_group.key_pair = "nobody"
    expect_error(lambda: c.create_cluster_node_pool(pro.cluster_id, no_key), "InvalidKeyPair.NotFound")
    weak = pool_request("weak", 1)
    weak.scaling_group.key_pair = None
    weak.scaling_group.login_password = "password"
    expect_error(lambda: c.create_cluster_node_pool(pro.cluster_id, weak), "InvalidParameter")
    pw = pool_request("pw", 1)
    pw.scaling_group.key_pair = None
    pw.scaling_group.login_password = "Passw0rd-Sdk"
    made = c.create_cluster_node_pool(pro.cluster_id, pw).body
    wait_task(c, made.task_id)
    shown = c.describe_cluster_node_pool_detail(pro.cluster_id, made.nodepool_id).body
    assert shown.scaling_group.login_password == "******", "the password is answered masked"
    wait_task(c, c.delete_cluster_nodepool(pro.cluster_id, made.nodepool_id, m.DeleteClusterNodepoolRequest()).body.task_id)
    # ModifyNodePoolNodeConfig: the kubelet configuration, camelCase on the wire.
    nc = c.modify_node_pool_node_config(
        pro.cluster_id,
        r.nodepool_id,
        m.ModifyNodePoolNodeConfigRequest(
            kubelet_config=m.KubeletConfig(max_pods=64, eviction_hard={"memory.available": "200Mi"}, feature_gates={"InPlacePodVerticalScaling": True})
        ),
    ).body
    wait_task(c, nc.task_id)
    p = wait_pool(c, pro.cluster_id, r.nodepool_id)
    detail = c.describe_cluster_node_pool_detail(pro.cluster_id, r.nodepool_id).body
    assert detail.node_config.kubelet_configuration.max_pods == 64
    assert detail.node_config.kubelet_configuration.eviction_hard == {"memory.available": "200Mi"}
    # ... and the OS settings (huge pages camelCase, kernel parameters), the kubelet left as it is.
    os_req = m.ModifyNodePoolNodeConfigRequest(
        os_config=m.ModifyNodePoolNodeConfigRequestOsConfig(
            hugepage=m.Hugepage(transparent_enabled="madvise", khugepaged_defrag=1),
            sysctl={"net.core.somaxconn": "32768"},
        )
    )
    wait_task(c, c.modify_node_pool_node_config(pro.cluster_id, r.nodepool_id, os_req).body.task_id)
    wait_pool(c, pro.cluster_id, r.nodepool_id)
    detail = c.describe_cluster_node_pool_detail(pro.cluster_id, r.nodepool_id).body
    assert detail.node_config.node_os_config.hugepage.transparent_enabled == "madvise"
    assert detail.node_config.node_os_config.hugepage.khugepaged_defrag == 1
    assert detail.node_config.node_os_config.sysctl == {"net.core.somaxconn": "32768"}
    assert detail.node_config.kubelet_configuration.max_pods == 64, "the kubelet is untouched"
    bad_os = m.ModifyNodePoolNodeConfigRequest(
        os_config=m.ModifyNodePoolNodeConfigRequestOsConfig(hugepage=m.Hugepage(transparent_enabled="sometimes"))
    )
    expect_error(lambda: c.modify_node_pool_node_config(pro.cluster_id, r.nodepool_id, bad_os), "InvalidParameter")
    big_disk = pool_request("disk", 1)
    big_disk.scaling_group.system_disk_size = 9999
    expect_error(lambda: c.create_cluster_node_pool(pro.cluster_id, big_disk), "InvalidParameter")
    # A partial update: only the size (the SDK adds its empty lists).
    up = c.modify_cluster_node_pool(
        pro.cluster_id,
        r.nodepool_id,
        m.ModifyClusterNodePoolRequest(scaling_group=m.ModifyClusterNodePoolRequestScalingGroup(desired_size=3)),
    ).body
    wait_task(c, up.task_id)
    p = wait_pool(c, pro.cluster_id, r.nodepool_id)
    assert p.status.total_nodes == 3 and p.scaling_group.instance_types == ["ecs.g7.xlarge"]
    assert p.kubernetes_config.labels[0].key == "team", "untouched groups are kept"
    expect_error(
        lambda: c.create_cluster_node_pool(pro.cluster_id, pool_request("workers", 1)),
        "InvalidParameter.Name",
    )
    std = create(c, "sdk-pools-std", "ack.standard")
    expect_error(
        lambda: c.create_cluster_node_pool(std.cluster_id, pool_request("m", 1, managed=True)),
        "ErrorClusterSpecNotSupported",
    )
    expect_error(lambda: c.create_cluster_node_pool(std.cluster_id, pool_request("big", 150)), "QuotaExceeded.Node")
    d = c.delete_cluster_nodepool(pro.cluster_id, r.nodepool_id, m.DeleteClusterNodepoolRequest(force=True)).body
    wait_task(c, d.task_id)
    expect_error(
        lambda: c.describe_cluster_node_pool_detail(pro.cluster_id, r.nodepool_id), "ErrorNodePoolNotFound", 404
    )
    for cid in (pro.cluster_id, std.cluster_id):
        wait_task(c, c.delete_cluster(cid, m.DeleteClusterRequest()).body.task_id)


@check("node pool upgrades: kubelet in node_components, after the control plane, skew refusals")
def pool_upgrades():
    c = client()
    d = create(c, "sdk-upgrades", "ack.pro.small", kubernetes_version="1.30.7-aliyun.1")
    r = c.create_cluster_node_pool(d.cluster_id, pool_request("workers", 1)).body
    wait_task(c, r.task_id)
    p = wait_pool(c, d.cluster_id, r.nodepool_id)
    kubelet = lambda p: [x.version for x in p.node_components if x.name == "kubelet"]
    assert kubelet(p) == ["1.30.7-aliyun.1"], p.to_map()
    up = m.UpgradeClusterNodepoolRequest(
        kubernetes_version="1.31.1-aliyun.1",
        runtime_type="containerd",
        runtime_version="1.6.38",
        rolling_policy=m.UpgradeClusterNodepoolRequestRollingPolicy(max_parallelism=2, pause_policy="NotPause"),
    )
    expect_error(
        lambda: c.upgrade_cluster_nodepool(d.cluster_id, r.nodepool_id, up), "ErrorNodePoolVersionSkew", 400
    )
    t = c.upgrade_cluster(d.cluster_id, m.UpgradeClusterRequest(next_version="1.31.1-aliyun.1", master_only=True)).body
    wait_task(c, t.task_id)
    wait_cluster(c, d.cluster_id)
    u = c.upgrade_cluster_nodepool(d.cluster_id, r.nodepool_id, up).body
    assert u.task_id and u.request_id
    wait_task(c, u.task_id)
    p = wait_pool(c, d.cluster_id, r.nodepool_id)
    assert kubelet(p) == ["1.31.1-aliyun.1"] and p.kubernetes_config.runtime_version == "1.6.38"
    unknown = m.UpgradeClusterNodepoolRequest(kubernetes_version="9.9.9")
    expect_error(
        lambda: c.upgrade_cluster_nodepool(d.cluster_id, r.nodepool_id, unknown),
        "InvalidParameter.KubernetesVersion",
        400,
    )
    wait_task(c, c.delete_cluster(d.cluster_id, m.DeleteClusterRequest()).body.task_id)


@check("errors: missing objects, bad bodies, credentials, STS, throttling")
def errors():
    c = client()
    expect_error(lambda: c.describe_cluster_detail("c" + "0" * 32), "ErrorClusterNotFound", 404)
    expect_error(lambda: c.describe_task_info("T-nope"), "ErrorTaskNotFound", 404)
    expect_error(
        lambda: c.create_cluster(m.CreateClusterRequest(name="bad name!", region_id=REGION)),
        "InvalidParameter.Name",
    )
    expect_error(
        lambda: c.create_cluster(m.CreateClusterRequest(name="x", region_id=REGION, cluster_spec="ack.gold")),
        "InvalidParameter",
    )
    expect_error(
        lambda: c.create_cluster(m.CreateClusterRequest(name="x", region_id=REGION, node_cidr_mask=31, **in_vpc())),
        "InvalidParameter",
    )
    expect_error(lambda: c.create_cluster(m.CreateClusterRequest(name="x")), "MissingParameter")
    expect_error(lambda: client(secret="wrong").describe_user_quota(), "SignatureDoesNotMatch", 400)
    expect_error(lambda: client(key="nobody").describe_user_quota(), "InvalidAccessKeyId.NotFound", 404)
    sts = client(endpoint=STS_ENDPOINT, token=STS_TOKEN)
    assert sts.describe_user_quota().body.cluster_quota == 50
    expect_error(
        lambda: client(endpoint=STS_ENDPOINT, token="bogus").describe_user_quota(),
        "InvalidSecurityToken.MismatchWithAccessKey",
    )
    expect_error(lambda: client(endpoint=STS_ENDPOINT).describe_user_quota(), "InvalidSecurityToken.Malformed")
    faults = urllib.request.Request(
        f"http://{ENDPOINT}/_emulator/faults",
        data=json.dumps({"throttle": 1}).encode(),
        headers={"content-type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(faults, timeout=5).read()
    e = expect_error(lambda: c.describe_user_quota(), "Throttling.User", 400, kind=ThrottlingException)
    assert e.retry_after and e.retry_after > 0


@check("DescribeClusterUserKubeconfig: temporary kubeconfig, endpoints, range, missing cluster")
def kubeconfig():
    c = client()
    d = create(c, "sdk-kubeconfig", "ack.pro.small")
    r = c.describe_cluster_user_kubeconfig(
        d.cluster_id, m.DescribeClusterUserKubeconfigRequest(temporary_duration_minutes=15)
    ).body
    assert "apiVersion: v1" in r.config and "client-key-data" in r.config, r.config[:80]
    assert r.expiration.endswith("Z"), r.expiration
    internal = c.describe_cluster_user_kubeconfig(
        d.cluster_id, m.DescribeClusterUserKubeconfigRequest(private_ip_address=True, temporary_duration_minutes=60)
    ).body
    assert internal.config != r.config
    expect_error(
        lambda: c.describe_cluster_user_kubeconfig(
            d.cluster_id, m.DescribeClusterUserKubeconfigRequest(temporary_duration_minutes=5)
        ),
        "InvalidParameter.TemporaryDurationMinutes",
    )
    expect_error(
        lambda: c.describe_cluster_user_kubeconfig("c" + "0" * 32, m.DescribeClusterUserKubeconfigRequest()),
        "ErrorClusterNotFound",
        404,
    )
    wait_task(c, c.delete_cluster(d.cluster_id, m.DeleteClusterRequest()).body.task_id)


@check("responses carry only fields the SDK's models know")
def known_fields():
    assert not UNKNOWN_FIELDS, sorted(set(UNKNOWN_FIELDS))


def main():
    failed = 0
    for name, f in CHECKS:
        try:
            f()
            print(f"ok   {name}")
        except Exception as e:  # report every check, then fail
            failed += 1
            print(f"FAIL {name}: {type(e).__name__}: {e}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
