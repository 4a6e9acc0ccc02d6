# Sourced by the scripts that run terraform against a local emulator.
# start_emulator TARGET_DIR WORK_DIR [EXTRA FLAGS...]: starts TARGET_DIR/ack-emulator
# on a free loopback port with its database in WORK_DIR, sets emulator_pid and
# endpoint, and stops the script if the emulator does not come up. The caller
# kills "$emulator_pid" when done.
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
