# Pro only: inspect the cluster every day at 03:00 UTC.
resource "ack_cluster_inspection" "daily" {
  cluster_name         = ack_cluster.main.name
  schedule             = "FREQ=DAILY;BYHOUR=3;BYMINUTE=0"
  disabled_check_items = ["NodeDiskPressure"]
}

output "inspection_errors" {
  value = ack_cluster_inspection.daily.latest_report.error_count
}
