# Import by the ID of the cluster.
terraform import ack_cluster_inspection.daily c82e6987e2961451182edacd74faf3d4a
