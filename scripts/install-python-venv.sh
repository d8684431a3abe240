#!/usr/bin/env bash
# python3 with venv and ensurepip for the BI recipe tests (test/bi-recipes.test.ts
# makes .tools/venv and installs pandas & co. from PyPI there): installs
# python3-venv when missing, does nothing when python3 can make a venv.
# Needs root or sudo. `--if-possible` (npm's pretest): when it cannot
# install, it says what to do and exits 0, so the rest of the suite runs and
# the BI recipe tests fail with the same advice.
set -euo pipefail
# shellcheck source=scripts/apt-install.sh
source "$(dirname "$0")/apt-install.sh"
can_make_venv() { python3 -c 'import venv, ensurepip' >/dev/null 2>&1; }
if can_make_venv; then
  echo "install-python-venv: $(python3 --version) with venv present"
  exit 0
fi
if apt_install install-python-venv python3-venv && can_make_venv; then
  echo "install-python-venv: $(python3 --version) with venv installed"
  exit 0
fi
cannot_install install-python-venv "Install python3 with its venv module (Debian/Ubuntu: \`sudo apt-get install -y python3 python3-venv\`)."
