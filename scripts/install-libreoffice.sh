#!/usr/bin/env bash
# LibreOffice Calc (headless) for the spreadsheet tests (CSV dates must open
# as dates, the SUSHI TSV as text): installs it when missing, does nothing
# when soffice is there. Needs root or sudo.
# `--if-possible` (npm's pretest): when it cannot install, it says what to
# do and exits 0, so the rest of the suite runs and those tests fail with
# the same advice.
set -euo pipefail
# shellcheck source=scripts/apt-install.sh
source "$(dirname "$0")/apt-install.sh"
if command -v soffice >/dev/null 2>&1 || command -v libreoffice >/dev/null 2>&1; then
  echo "install-libreoffice: $(command -v soffice || command -v libreoffice) present"
  exit 0
fi
# The -nogui package is the smaller, where the release has it.
if apt_install install-libreoffice libreoffice-calc-nogui libreoffice-calc && command -v soffice >/dev/null 2>&1; then
  echo "install-libreoffice: $(command -v soffice) installed"
  exit 0
fi
cannot_install install-libreoffice "Install LibreOffice Calc (Debian/Ubuntu: \`sudo apt-get install -y libreoffice-calc-nogui\`, or libreoffice-calc) so that \`soffice\` is on the PATH."
