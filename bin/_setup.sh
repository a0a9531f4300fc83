# Shared install steps for bin/demo and bin/test. Sourced, not run.
# Installs what Debian must provide, creates .venv and installs the locked dependencies.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

say() { printf '\033[1m==> %s\033[0m\n' "$*"; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "Need root (or sudo) to run: $*" >&2; return 1; fi
}

# Debian packages: WeasyPrint is ~4x faster with libharfbuzz-subset0 (stack-notes.md);
# gettext compiles the catalogues; chromium only when the browser tests run; xmlsec1 checks the
# signatures of sign-in through Skolfederation (pysaml2 runs it).
ensure_debian_packages() {
  local wanted=(libharfbuzz-subset0 gettext fonts-dejavu-core fonts-liberation2 "$@") missing=()
  for pkg in "${wanted[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing Debian packages: ${missing[*]}"
    as_root apt-get update -q
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}"
  fi
}

find_python() {
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      echo "$candidate"; return 0
    fi
  done
  echo "Inspira needs Python 3.11 (Django 5.2 LTS)." >&2
  return 1
}

ensure_venv() {
  local python
  python="$(find_python)"
  if [ ! -x .venv/bin/python ]; then
    say "Creating .venv with $($python --version)"
    "$python" -m venv .venv
  fi
  if [ ! -x .venv/bin/uv ]; then
    .venv/bin/pip install -q --disable-pip-version-check "uv==0.13.9"
  fi
  say "Installing locked Python dependencies (requirements.lock)"
  .venv/bin/uv pip sync -q --python .venv/bin/python requirements.lock
}

compile_messages() {
  (cd "$ROOT" && .venv/bin/python manage.py compilemessages -v0 --ignore=.venv)
}
