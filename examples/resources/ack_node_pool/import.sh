# Import a node pool as <cluster_id>:<node_pool_id>.
terraform import ack_node_pool.workers c82e6987e2961451182edacd74faf3d4a:np5b2a7f7e9c1d4e0f8a6b3c2d1e0f9a8b
