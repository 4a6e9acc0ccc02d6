terraform {
  required_providers {
    ack = {
      source = "acklabs/ack"
    }
  }
}

# Against the local emulator. For the real ACK API, drop `endpoint` and set
# ALIBABA_CLOUD_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_SECRET instead of
# writing keys here.
provider "ack" {
  endpoint   = "http://127.0.0.1:8787"
  region     = "cn-hangzhou"
  access_key = "emulator"
  secret_key = "emulator-secret"
}
