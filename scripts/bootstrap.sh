# Sourced by scripts/app.sh and scripts/test.sh: make .venv with mapapp installed, on a fresh
# Debian 12 (Python 3.11) or any machine with python3.11. Idempotent and quiet when all is in place.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi; }

# apt_install PKG...: install Debian packages that are not installed yet.
apt_install() {
  local missing=()
  for pkg in "$@"; do dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed" || missing+=("$pkg"); done
  [[ ${#missing[@]} -eq 0 ]] && return 0
  echo "installing Debian packages: ${missing[*]}" >&2
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${missing[@]}" >/dev/null
}

PYTHON=${PYTHON:-$(command -v python3.11 || command -v python3)}
if ! "$PYTHON" -c 'import sys; assert sys.version_info >= (3, 11)' 2>/dev/null; then
  echo "mapapp needs Python 3.11 or newer (found: $("$PYTHON" --version 2>&1))" >&2; exit 1
fi
if [[ ! -x .venv/bin/python ]]; then
  # Debian's python3 lacks venv and ensurepip until python3-venv is installed.
  "$PYTHON" -c 'import venv, ensurepip' 2>/dev/null || apt_install python3-venv
  "$PYTHON" -m venv .venv
fi
# The nearest-shoreline walk (mapapp/_nearest.c) is compiled at install; without a compiler mapapp
# still installs and screens by its numpy path, about 4x slower.
apt_install gcc python3-dev
# pip_install EXTRAS: install mapapp (editable) with the given extras, skipping pip when nothing changed.
pip_install() {
  local stamp=".venv/.installed-$1" want
  want=$(cat pyproject.toml constraints.txt setup.py mapapp/_nearest.c | sha256sum | cut -c1-16)
  [[ -f $stamp && $(cat "$stamp") == "$want" ]] && return 0
  .venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip >/dev/null
  .venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -e ".[$1]"
  echo "$want" > "$stamp"
}
