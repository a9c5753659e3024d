#!/usr/bin/env bash
# Regenerate constraints.txt: every package (transitive ones too) at the exact version a clean
# install of requirements-dev.txt resolves to today. Run after changing a requirements file:
#     scripts/lock.sh
set -euo pipefail
cd "$(dirname "$0")/.."
venv="$(mktemp -d)/venv"
python3 -m venv "$venv"
"$venv/bin/pip" install -q --upgrade pip
"$venv/bin/pip" install -q -r requirements-dev.txt
{
  echo "# Exact versions of every package, transitive ones included, tested together."
  echo "# Install with: pip install -r requirements-dev.txt -c constraints.txt"
  echo "# Regenerate with: scripts/lock.sh (a clean virtual environment, then pip freeze)."
  "$venv/bin/pip" freeze --all --exclude pip --exclude setuptools --exclude wheel | LC_ALL=C sort -f
} > constraints.txt
rm -rf "$(dirname "$venv")"
echo "constraints.txt: $(grep -vc '^#' constraints.txt) packages"
