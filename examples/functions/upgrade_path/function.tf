# The versions to set kubernetes_version to, one apply each.
output "upgrade_steps" {
  value = provider::ack::upgrade_path("1.28.15-aliyun.1", "1.31.1-aliyun.1")
  # ["1.30.7-aliyun.1", "1.31.1-aliyun.1"]
}
