resource "ack_node_pool" "workers" {
  cluster_name   = ack_cluster.main.name
  name           = "workers"
  instance_types = ["ecs.g7.xlarge", "ecs.g7.2xlarge"]

  # Placement: vSwitches of the cluster's VPC, in several zones.
  vswitch_ids        = ["vsw-ack00000000000000001", "vsw-ack00000000000000002"]
  multi_az_policy    = "BALANCE"
  security_group_ids = ["sg-ack00000000000000001"]

  # Billing: pay-as-you-go, spot instances under a price limit above two
  # on-demand nodes.
  instance_charge_type    = "PostPaid"
  spot_strategy           = "SpotWithPriceLimit"
  on_demand_base_capacity = 2
  spot_price_limit = [
    { instance_type = "ecs.g7.xlarge", price_limit = "0.5" },
    { instance_type = "ecs.g7.2xlarge", price_limit = "1.0" },
  ]

  # Login, image and disks. Managed pools log in with a key pair only.
  key_pair                      = "ack-keypair"
  image_type                    = "AliyunLinux3"
  system_disk_category          = "cloud_essd"
  system_disk_size              = 120
  system_disk_performance_level = "PL1"
  system_disk_encrypted         = true
  system_disk_kms_key_id        = "key-ack00000000000000001"
  data_disks = [
    {
      category     = "cloud_essd"
      size         = 200
      encrypted    = true
      kms_key_id   = "key-ack00000000000000002"
      auto_format  = true
      file_system  = "ext4"
      mount_target = "/var/lib/containerd"
    },
  ]

  tags = {
    team = "platform"
  }

  # Kubernetes on the nodes.
  runtime    = "containerd"
  cpu_policy = "static"
  user_data  = <<-EOT
    #!/bin/sh
    echo "node ready" > /etc/motd
  EOT
  kubelet_configuration = {
    max_pods           = 110
    cpu_manager_policy = "static"
    eviction_hard      = { "memory.available" = "200Mi" }
    kube_reserved      = { cpu = "500m", memory = "1Gi" }
  }

  node_os_config = {
    hugepage = { transparent_enabled = "madvise" }
    sysctl   = { "net.core.somaxconn" = "32768" }
  }

  autoscaling = {
    min_size = 2
    max_size = 10
  }

  labels = {
    role = "worker"
  }

  taints = [
    {
      key    = "dedicated"
      value  = "batch"
      effect = "NoSchedule"
    },
  ]

  # Managed node pools need ACK Pro.
  managed = {
    auto_repair         = true
    max_unavailable     = 2
    surge               = 1
    auto_repair_policy  = { restart_node = true }
    auto_upgrade_policy = { auto_upgrade_kubelet = true, auto_upgrade_os = false }
    auto_vul_fix_policy = { restart_node = false, vul_level = "asap,later" }
  }
}
