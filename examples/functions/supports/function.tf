# A module input refused with the same rule the provider applies at plan time.
variable "batch_cluster_edition" {
  type    = string
  default = "pro"

  validation {
    condition     = provider::ack::supports(var.batch_cluster_edition, "gang_scheduling")
    error_message = "Gang-scheduled batch jobs need an edition with gang scheduling: use \"pro\"."
  }
}
