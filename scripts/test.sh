#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine: installs the Debian packages the tests need
# (as root, or through sudo), then runs formatting, lints and every test.
#
#   scripts/test.sh            # everything
#   scripts/test.sh --no-lint  # skip fmt/clippy (quicker while iterating)
set -euo pipefail
cd "$(dirname "$0")/.."

lint=1
[ "${1:-}" = "--no-lint" ] && lint=0

if ! command -v cargo >/dev/null; then
  echo "test.sh: cargo is not installed; install Rust with https://rustup.rs first" >&2
  exit 1
fi

# Debian packages the tests use: tmux drives the real binary in a terminal.
pkgs=()
command -v tmux >/dev/null || pkgs+=(tmux)
if [ ${#pkgs[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo"
  echo "test.sh: installing ${pkgs[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${pkgs[@]}" >/dev/null
fi

if [ $lint -eq 1 ]; then
  echo "== cargo fmt --check" >&2
  cargo fmt --all -- --check
  echo "== cargo clippy" >&2
  cargo clippy --locked --all-targets -- -D warnings
fi
echo "== cargo test" >&2
cargo test --locked --all-targets
