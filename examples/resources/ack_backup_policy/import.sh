# Import by the ID of the cluster.
terraform import ack_backup_policy.etcd c82e6987e2961451182edacd74faf3d4a
