# What ACK Pro offers, from the provider's edition catalog (no API call).
output "pro_sla" {
  value = provider::ack::edition("pro").sla # "99.95%"
}

output "standard_node_limit" {
  value = provider::ack::edition("standard").max_nodes # 100
}
