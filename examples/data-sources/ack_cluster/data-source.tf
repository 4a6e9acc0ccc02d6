data "ack_cluster" "existing" {
  name = "production"
}

output "sla" {
  value = data.ack_cluster.existing.sla
}
