data "ack_kubernetes_versions" "offered" {}

output "latest" {
  value = data.ack_kubernetes_versions.offered.latest
}
