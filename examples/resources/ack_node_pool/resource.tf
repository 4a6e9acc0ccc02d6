resource "ack_node_pool" "workers" {
  cluster_name   = ack_cluster.main.name
  name           = "workers"
  instance_types = ["ecs.g7.xlarge", "ecs.g7.2xlarge"]

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
    auto_repair     = true
    max_unavailable = 2
  }
}
