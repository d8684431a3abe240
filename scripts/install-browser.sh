#!/usr/bin/env bash
# Installs Debian's Chromium for the browser tests (test/*.browser.test.ts)
# when it is missing; does nothing when it is there. Needs root or sudo.
# `--if-possible` (npm's pretest): when it cannot install, it says what to
# do and exits 0, so the rest of the suite runs and the browser tests fail
# with the same advice (test/support/browser.ts).
set -euo pipefail
# shellcheck source=scripts/apt-install.sh
source "$(dirname "$0")/apt-install.sh"
CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM" ]; then
  echo "install-browser: $CHROMIUM present ($("$CHROMIUM" --version 2>/dev/null || echo 'version unknown'))"
  exit 0
fi
if [ -n "${CHROMIUM_PATH:-}" ]; then
  cannot_install install-browser "CHROMIUM_PATH=$CHROMIUM_PATH is not an executable: point it at a Chromium, or unset it for Debian's /usr/bin/chromium."
fi
if apt_install install-browser chromium && [ -x "$CHROMIUM" ]; then
  echo "install-browser: $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM installed")"
  exit 0
fi
cannot_install install-browser "Install Chromium (Debian: \`sudo apt-get install -y chromium\`) and, when it is not /usr/bin/chromium, set CHROMIUM_PATH to it."
