# KMS encryption of Kubernetes Secrets (ACK Pro only).
resource "ack_encryption" "secrets" {
  cluster_name = ack_cluster.main.name
  kms_key_id   = "key-hzz62f1cb66fa42qo9wsx"
}
