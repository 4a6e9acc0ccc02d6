# etcd backups (ACK Pro only). ACK has no public API for this: the resource
# manages an extension endpoint of ack-emulator.
resource "ack_backup_policy" "etcd" {
  cluster_name = ack_cluster.main.name

  cold_backup = {
    interval_hours = 6
    retention_days = 7
  }

  hot_backup = {
    interval_minutes = 15
    retention_hours  = 24
  }

  geo_replication = {
    region = "cn-shanghai"
  }
}
