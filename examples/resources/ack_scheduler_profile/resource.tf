resource "ack_scheduler_profile" "scheduler" {
  cluster_name = ack_cluster.main.name

  # These need ACK Pro.
  gang_scheduling    = true
  topology_aware_cpu = true
  cgpu_edition       = "professional"

  score_plugins = [
    {
      name   = "NodeResourcesBalancedAllocation"
      weight = 2
    },
  ]
}
