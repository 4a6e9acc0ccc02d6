# Import by the ID of the cluster.
terraform import ack_scheduler_profile.scheduler c82e6987e2961451182edacd74faf3d4a
