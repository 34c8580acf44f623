# Shared by scripts/*: find a Python >= 3.13 that really runs, build .venv once, keep it in sync
# with requirements_test.txt. Sourced, not executed.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="${BAMBUPRINT_VENV:-$ROOT/.venv}"

find_python() {
  local candidates=()
  if command -v pyenv >/dev/null 2>&1; then
    local proot; proot="$(pyenv root 2>/dev/null || true)"
    [ -n "$proot" ] && candidates+=("$proot"/versions/3.13*/bin/python3)
  fi
  [ -d "${HOME:-/root}/.pyenv/versions" ] && candidates+=("${HOME:-/root}"/.pyenv/versions/3.13*/bin/python3)
  candidates+=(/usr/bin/python3.13 /usr/local/bin/python3.13 python3.13 python3)
  local c
  for c in "${candidates[@]}"; do
    [ -e "$c" ] || command -v "$c" >/dev/null 2>&1 || continue
    if "$c" -V >/dev/null 2>&1 && "$c" -c 'import sys, venv; sys.exit(0 if sys.version_info >= (3, 13) else 1)' 2>/dev/null; then
      echo "$c"; return 0
    fi
  done
  echo "No working Python >= 3.13 found (tried pyenv, /usr/bin/python3.13, PATH)." >&2
  return 1
}

ensure_venv() {
  local stamp="$VENV/.requirements.sha256" want
  want="$(sha256sum "$ROOT/requirements_test.txt" | cut -d' ' -f1)"
  if [ ! -x "$VENV/bin/python" ] || ! "$VENV/bin/python" -V >/dev/null 2>&1; then
    local py; py="$(find_python)"
    echo "Creating $VENV with $("$py" -V 2>&1)" >&2
    rm -rf "$VENV"; "$py" -m venv "$VENV"
  fi
  if [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    echo "Installing test requirements (first run takes a few minutes)..." >&2
    "$VENV/bin/python" -m pip install -q --upgrade pip >&2
    local reqs="$ROOT/requirements_test.txt"
    if ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 14))'; then
      # Lines only the newest Home Assistant needs; they have no release for older Pythons.
      reqs="$VENV/requirements.this-python.txt"
      grep -v -x -F -e gazetteer-matcher "$ROOT/requirements_test.txt" > "$reqs"
    fi
    "$VENV/bin/python" -m pip install -q -r "$reqs" >&2
    echo "$want" > "$stamp"
  fi
}
