# The same package in Rego v0 syntax (older conftest policies): both syntaxes
# load side by side.
package main

warn[msg] {
	rc := input.resource_changes[_]
	rc.type == "ack_node_pool"
	rc.change.after.autoscaling == null
	msg := sprintf("%s: fixed-size node pool; set autoscaling so it follows load", [rc.address])
}

violation[{"msg": msg, "address": rc.address}] {
	rc := input.resource_changes[_]
	rc.type == "ack_node_pool"
	nodes := object.get(rc.change.after, "desired_size", 0)
	nodes > data.ack.limits.max_nodes.standard / 2
	msg := sprintf("%d nodes in one pool: split large pools", [nodes])
}
