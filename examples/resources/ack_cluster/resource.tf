resource "ack_cluster" "main" {
  name               = "production"
  edition            = "pro"
  kubernetes_version = "1.31.1-aliyun.1"
  service_cidr       = "172.21.0.0/20"
  pod_cidr           = "172.20.0.0/16"

  deletion_protection = true

  maintenance_window = {
    maintenance_time = "03:00:00Z"
    duration         = "3h"
    weekly_period    = "Monday,Thursday"
  }

  tags = {
    env = "production"
  }

  timeouts {
    create = "45m"
  }
}
