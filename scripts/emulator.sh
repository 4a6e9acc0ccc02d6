# Sourced by the scripts that run terraform against a local emulator.

# target_dir PROFILE: prints the workspace's build directory of PROFILE
# (debug or release).
target_dir() {
  local root
  root="$(cargo metadata --format-version 1 --no-deps | python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])')"
  echo "$root/$1"
}

# make_work: sets work to a new scratch directory; on exit the emulator
# (once started) is stopped and the directory removed.
make_work() {
  work="$(mktemp -d)"
  emulator_pid=""
  trap remove_work EXIT
}

remove_work() {
  if [ -n "$emulator_pid" ]; then kill "$emulator_pid" 2>/dev/null || true; wait "$emulator_pid" 2>/dev/null || true; fi
  rm -rf "$work"
}

# use_dev_provider BIN_DIR: terraform takes acklabs/ack from BIN_DIR (a
# dev_overrides configuration in $work) and the provider talks to the
# emulator at $endpoint.
use_dev_provider() {
  cat >"$work/terraformrc" <<RC
provider_installation {
  dev_overrides {
    "acklabs/ack" = "$1"
  }
  direct {}
}
RC
  export TF_CLI_CONFIG_FILE="$work/terraformrc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
  export ACK_ENDPOINT="$endpoint" ALIBABA_CLOUD_REGION_ID=cn-hangzhou
  export ALIBABA_CLOUD_ACCESS_KEY_ID=emulator ALIBABA_CLOUD_ACCESS_KEY_SECRET=emulator-secret
}

# start_emulator TARGET_DIR WORK_DIR [EXTRA FLAGS...]: starts TARGET_DIR/ack-emulator
# on a free loopback port with its database in WORK_DIR, sets emulator_pid and
# endpoint, and stops the script if the emulator does not come up. The caller
# kills "$emulator_pid" when done (make_work's exit does).
start_emulator() {
  local target="$1" work="$2"
  shift 2
  "$target/ack-emulator" --listen 127.0.0.1:0 --db "$work/emulator.db" --speed 600 "$@" \
    >"$work/emulator.out" 2>"$work/emulator.log" &
  emulator_pid=$!
  for _ in $(seq 1 100); do
    if grep -q "listening on" "$work/emulator.out" 2>/dev/null; then break; fi
    sleep 0.1
  done
  endpoint="$(sed -n 's/^ack-emulator listening on //p' "$work/emulator.out")"
  if [ -z "$endpoint" ]; then
    echo "error: the emulator did not start:" >&2
    cat "$work/emulator.log" >&2
    exit 1
  fi
}
