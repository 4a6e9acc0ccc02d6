# An NGINX Ingress controller on an internal load balancer. `version` unset:
# the newest the cluster supports (shown in the plan); `config` is checked
# against the addon's schema at plan time.
resource "ack_addon" "ingress" {
  cluster_name = ack_cluster.main.name
  name         = "nginx-ingress-controller"

  config = jsonencode({
    IngressSlbNetworkType = "intranet"
  })

  # Also delete the load balancer when the addon is removed.
  cleanup_cloud_resources = true
}

# Pro only: professional security management's inspector.
resource "ack_addon" "inspector" {
  cluster_name = ack_cluster.main.name
  name         = "security-inspector"
  config       = jsonencode({ autoRepair = true })
}
