# Quickstart: an ACK Standard cluster with a node pool, then its in-place
# upgrade to ACK Pro (`terraform apply -var edition=pro`).
terraform {
  required_providers {
    ack = {
      source = "acklabs/ack"
    }
  }
}

# Endpoint, region and credentials come from ACK_ENDPOINT,
# ALIBABA_CLOUD_REGION_ID, ALIBABA_CLOUD_ACCESS_KEY_ID and
# ALIBABA_CLOUD_ACCESS_KEY_SECRET (scripts/quickstart.sh points them at the
# local emulator).
provider "ack" {}

variable "edition" {
  description = "Cluster edition: standard or pro."
  type        = string
  default     = "standard"
}

resource "ack_cluster" "main" {
  name               = "quickstart"
  vpc_id             = "vpc-ack00000000000000001"
  vswitch_ids        = ["vsw-ack00000000000000001"]
  pod_cidr           = "172.20.0.0/16"
  edition            = var.edition
  kubernetes_version = "1.31.1-aliyun.1"
  tags = {
    env = "demo"
  }
}

resource "ack_node_pool" "workers" {
  cluster_name   = ack_cluster.main.name
  name           = "workers"
  instance_types = ["ecs.g7.xlarge"]
  desired_size   = 3

  # Where the nodes run, how they are billed and how to log in: the
  # emulator's default network and key pair.
  vswitch_ids          = ["vsw-ack00000000000000001"]
  instance_charge_type = "PostPaid"
  key_pair             = "ack-keypair"
  labels = {
    role = "worker"
  }
}

output "cluster_id" {
  value = ack_cluster.main.id
}

output "sla" {
  value = ack_cluster.main.sla
}

output "max_nodes" {
  value = ack_cluster.main.max_nodes
}
