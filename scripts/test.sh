#!/usr/bin/env bash
# The whole test suite, on a fresh Debian machine: installs the Debian packages the tests need
# (as root, or through sudo; otherwise it says what to install), then runs formatting, lints
# and every test. Tests that need mail servers start and stop their own.
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

# Debian packages the tests use: tmux drives the real binary in a terminal; Dovecot and
# Postfix are the real mail servers (each test starts its own private instance on loopback);
# SpamAssassin checks that what rapport sends is well-formed (tests/deliverability.rs, local
# rules only, no network).
need=()
command -v tmux >/dev/null || need+=(tmux)
# Headless Chromium and its WebDriver: the candidate's page is tested in a real browser.
[ -x /usr/bin/chromedriver ] || need+=(chromium chromium-driver)
command -v spamassassin >/dev/null || need+=(spamassassin)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" -eq 0 ]; then sudo=""; elif command -v sudo >/dev/null; then sudo="sudo"; else
    echo "test.sh: please install: ${need[*]} (apt-get install ${need[*]})" >&2; exit 1
  fi
  echo "test.sh: installing ${need[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
scripts/mail/servers.sh install

if [ $lint -eq 1 ]; then
  echo "== cargo fmt --check" >&2
  cargo fmt --all -- --check
  echo "== cargo clippy" >&2
  cargo clippy --locked --workspace --all-targets -- -D warnings
fi
echo "== cargo test" >&2
# Every test target; benches are measured with `cargo bench`, not run as tests.
cargo test --locked --workspace --lib --bins --tests --examples --no-fail-fast
