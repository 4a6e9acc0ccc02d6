# Import by the ID of the cluster and the name of the addon.
terraform import ack_addon.ingress c82e6987e2961451182edacd74faf3d4a:nginx-ingress-controller
