#!/usr/bin/env bash
# with-xvfb.sh CMD... — run CMD with DISPLAY set to a fresh Xvfb server,
# which is stopped afterwards. Reuses no existing display.
set -euo pipefail
command -v Xvfb >/dev/null || { echo "with-xvfb: Xvfb missing (apt-get install xvfb)" >&2; exit 1; }
d=99
while [ -e "/tmp/.X11-unix/X$d" ] || [ -e "/tmp/.X$d-lock" ]; do d=$((d + 1)); done
Xvfb ":$d" -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xpid=$!
trap 'kill $xpid 2>/dev/null || true; wait $xpid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  [ -e "/tmp/.X11-unix/X$d" ] && break
  sleep 0.1
done
[ -e "/tmp/.X11-unix/X$d" ] || { echo "with-xvfb: Xvfb :$d did not start" >&2; exit 1; }
export DISPLAY=":$d"
"$@"
