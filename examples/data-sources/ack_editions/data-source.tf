data "ack_editions" "all" {}

output "pro_max_nodes" {
  value = [for e in data.ack_editions.all.editions : e.max_nodes if e.name == "pro"][0]
}
