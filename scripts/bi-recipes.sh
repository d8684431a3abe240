#!/usr/bin/env bash
# Runs the BI recipes of docs/bi.md against a running gateway.
#
#   scripts/bi-recipes.sh <gateway base URL> <API key> [recipe...]
#
# Recipes: pandas, graphql, shillelagh, sheets (the last needs LibreOffice).
# Default: pandas graphql shillelagh. It starts nothing: give it a gateway.
# Python packages go into a virtualenv under .tools/venv (created on first
# use; PyPI must be reachable then). Each recipe prints one JSON line with
# what it read; the exit code is non-zero when a recipe fails.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 2 ]; then
  echo "usage: $0 <gateway base URL> <API key> [pandas|graphql|shillelagh|sheets ...]" >&2
  exit 2
fi
BASE_URL="$1"
API_KEY="$2"
shift 2
RECIPES=("$@")
if [ ${#RECIPES[@]} -eq 0 ]; then RECIPES=(pandas graphql shillelagh); fi

if ! command -v python3 >/dev/null; then
  echo "bi-recipes: python3 is not installed (needed for the BI recipes)" >&2
  exit 3
fi
VENV=.tools/venv
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV" || { echo "bi-recipes: python3 -m venv failed (install python3-venv)" >&2; exit 3; }
fi
PY="$VENV/bin/python"
need() {
  # Installs the packages whose import fails (quietly; pinned versions).
  local missing=()
  for spec in "$@"; do
    local mod="${spec%%=*}"
    mod="${mod%%[*}"
    "$PY" -c "import ${mod//-/_}" 2>/dev/null || missing+=("$spec")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    "$PY" -m pip install --quiet --disable-pip-version-check "${missing[@]}" >&2
  fi
}

export BI_BASE_URL="$BASE_URL" BI_API_KEY="$API_KEY"
for r in "${RECIPES[@]}"; do
  case "$r" in
    pandas) need pandas==2.2.3 requests==2.32.3; "$PY" scripts/bi/pandas_recipe.py ;;
    graphql) need requests==2.32.3; "$PY" scripts/bi/graphql_recipe.py ;;
    shillelagh) need 'shillelagh[genericjsonapi]==1.3.5' requests==2.32.3; "$PY" scripts/bi/shillelagh_recipe.py ;;
    sheets) need openpyxl==3.1.5 requests==2.32.3; "$PY" scripts/bi/sheets_recipe.py ;;
    *) echo "bi-recipes: unknown recipe $r" >&2; exit 2 ;;
  esac
done
