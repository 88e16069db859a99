#!/usr/bin/env bash
# deps.sh PKG... — install the Debian/Ubuntu packages that are missing.
# Uses apt-get (with sudo when not root); on systems without apt it prints
# the packages and exits non-zero. Also checks for a Go toolchain.
set -euo pipefail

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
      missing+=("$p")
    fi
  done
else
  missing=("$@")
fi

if ((${#missing[@]})); then
  if command -v apt-get >/dev/null 2>&1; then
    sudo=""
    if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
    echo "deps: installing ${missing[*]}"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y --no-install-recommends "${missing[@]}"
  else
    echo "deps: this system has no apt-get. Install the equivalents of these Debian packages, then run make again:" >&2
    echo "  apt-get install -y --no-install-recommends ${missing[*]}" >&2
    echo "  (Fedora: sudo dnf install gcc pkgconf-pkg-config mesa-libGL-devel libX11-devel libXcursor-devel libXrandr-devel libXinerama-devel libXi-devel libXxf86vm-devel openblas-devel xorg-x11-server-Xvfb)" >&2
    exit 1
  fi
fi

# Go: any Go >= 1.21 fetches the exact toolchain that go.mod asks for.
GO="${GO:-go}"
if ! command -v "$GO" >/dev/null 2>&1; then
  if [ -x /usr/local/go/bin/go ]; then
    echo "deps: Go is at /usr/local/go/bin but not on PATH; add it: export PATH=\$PATH:/usr/local/go/bin" >&2
  else
    echo "deps: no Go toolchain. Install Go 1.21 or newer (https://go.dev/dl/), then run make again." >&2
  fi
  exit 1
fi
v=$("$GO" env GOVERSION 2>/dev/null | sed 's/^go//')
major=${v%%.*}; rest=${v#*.}; minor=${rest%%.*}
if [ "${major:-0}" -lt 1 ] || { [ "${major:-0}" -eq 1 ] && [ "${minor:-0}" -lt 21 ]; }; then
  echo "deps: Go $v is too old; install Go 1.21 or newer (it then fetches the toolchain go.mod names)." >&2
  exit 1
fi
