# A production ACK Pro cluster with Terway in an existing VPC. The IDs are
# the local emulator's default network (GET /_emulator/inventory); use your
# own VPC, vSwitches and security group against ACK.
resource "ack_cluster" "main" {
  name               = "production"
  edition            = "pro"
  kubernetes_version = "1.31.1-aliyun.1"

  # Where the cluster lives: a VPC and one vSwitch per zone.
  vpc_id      = "vpc-ack00000000000000001"
  vswitch_ids = ["vsw-ack00000000000000001", "vsw-ack00000000000000002"]

  # Terway: pods take VPC addresses from their own vSwitches, one per zone.
  network_plugin  = "terway-eniip"
  pod_vswitch_ids = ["vsw-ack00000000000000011", "vsw-ack00000000000000012"]
  service_cidr    = "172.21.0.0/20"
  proxy_mode      = "ipvs"

  security_group_id      = "sg-ack00000000000000002"
  endpoint_public_access = true
  extra_sans             = ["k8s.example.com"]
  snat_entry             = true
  timezone               = "Asia/Shanghai"
  rrsa_enabled           = true

  operation_policy = {
    auto_upgrade = true
    channel      = "patch"
  }

  maintenance_window = {
    maintenance_time = "03:00:00Z"
    duration         = "3h"
    weekly_period    = "Monday,Thursday"
  }

  addons = [
    { name = "csi-plugin" },
    { name = "csi-provisioner" },
  ]

  delete_options = [
    { resource_type = "SLS_Data", delete_mode = "retain" },
  ]

  deletion_protection = true

  tags = {
    env = "production"
  }

  timeouts {
    create = "45m"
  }
}
