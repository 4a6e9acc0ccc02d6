# Import a cluster by its ID.
terraform import ack_cluster.main c82e6987e2961451182edacd74faf3d4a
