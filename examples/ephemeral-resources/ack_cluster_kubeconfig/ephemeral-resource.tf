# A temporary kubeconfig for the cluster, valid for two hours. Terraform asks
# for a fresh one in every plan and apply and never writes it to the state or
# to a saved plan.
ephemeral "ack_cluster_kubeconfig" "main" {
  cluster_id       = ack_cluster.main.id
  duration_minutes = 120
}

# Hand it to the kubernetes provider (or helm) in the same configuration:
#
# provider "kubernetes" {
#   host                   = ephemeral.ack_cluster_kubeconfig.main.host
#   cluster_ca_certificate = ephemeral.ack_cluster_kubeconfig.main.cluster_ca_certificate
#   client_certificate     = ephemeral.ack_cluster_kubeconfig.main.client_certificate
#   client_key             = ephemeral.ack_cluster_kubeconfig.main.client_key
# }
