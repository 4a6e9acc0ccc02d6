# KMS encryption of Kubernetes Secrets (ACK Pro only).
resource "ack_encryption" "secrets" {
  cluster_name = ack_cluster.main.name
  kms_key_id   = "key-ack00000000000000001"
}
