# Organisation policy in Rego v1, conftest layout (package main, deny/warn).
# Run it with:
#   terraform show -json tfplan > plan.json
#   terraform-provider-ack check plan.json --policy examples/policies/rego
#
# data.ack is the provider's edition catalog (editions, features, limits), so
# the policy names a property of the edition instead of copying a table.
package main

import rego.v1

deny contains msg if {
	some rc in input.resource_changes
	rc.type == "ack_cluster"
	rc.change.after.tags.environment == "production"
	edition := data.ack.editions[rc.change.after.edition]
	not edition.sla_compensation
	msg := sprintf(
		"%s: production clusters must be on an edition with SLA compensation; %s (SLA %s) has none",
		[rc.address, edition.display_name, edition.sla],
	)
}

deny contains msg if {
	some rc in input.resource_changes
	rc.type == "ack_cluster"
	"delete" in rc.change.actions
	rc.change.before.tags.environment == "production"
	msg := sprintf("%s: the plan destroys a production cluster", [rc.address])
}
