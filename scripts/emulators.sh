#!/usr/bin/env bash
# Installs and reports the protocol servers that the driver tests run against
# (see shared TESTING.md). Everything goes into the git-ignored folder .emulators/ at the
# repo root, at pinned versions, so that a fresh clone and CI get the same servers.
#
#   scripts/emulators.sh install   install what is missing or at another version (no-op if all set)
#   scripts/emulators.sh status    print what is installed; exits 1 if something is missing
#
# Azurite is not installed here: it is a root devDependency, so `npm ci` brings it.
set -euo pipefail

# Pins. Bump one here and `install` replaces the old build on the next run.
MOTO_VERSION="5.2.5"
FAKE_GCS_VERSION="v1.56.1"
VERSITYGW_VERSION="v1.8.0"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
EMU="$ROOT/.emulators"
STAMPS="$EMU/versions"
LOGS="$EMU/logs"

# --- helpers ------------------------------------------------------------------------------

die() {
  echo "emulators.sh: $*" >&2
  exit 1
}

# A stamp is written only after an install succeeded, so a half-done install is redone.
stamp_of() {
  cat "$STAMPS/$1" 2>/dev/null || true
}

# Installed means: the binary is there and the stamp names the pinned version.
is_installed() {
  local name="$1" version="$2" binary="$3"
  [[ -x "$binary" && "$(stamp_of "$name")" == "$version" ]]
}

need_tool() {
  command -v "$1" >/dev/null 2>&1 || die "$2"
}

# --- installers (each logs to .emulators/logs/install-NAME.log) ---------------------------

install_moto() {
  need_tool python3 "python3 (>= 3.10) is needed for moto; install it, then rerun"

  # A venv left by an older Python or a failed run is rebuilt rather than patched.
  rm -rf "$EMU/venv"
  python3 -m venv "$EMU/venv"
  "$EMU/venv/bin/pip" install --disable-pip-version-check --quiet "moto[server]==$MOTO_VERSION"
}

install_go_tool() {
  local package="$1"
  need_tool go "Go is needed for $package; install Go (>= 1.24), then rerun"

  # GOBIN puts the binary in the project's ignored folder instead of the user's ~/go/bin.
  GOBIN="$EMU/bin" go install "$package"
}

install_fake_gcs() {
  install_go_tool "github.com/fsouza/fake-gcs-server@$FAKE_GCS_VERSION"
}

install_versitygw() {
  install_go_tool "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION"
}

# --- install: run the missing installers in parallel, since each is mostly waiting ---------

declare -a PIDS=() NAMES=() VERSIONS=()

start_install() {
  local name="$1" version="$2" binary="$3" fn="$4"
  if is_installed "$name" "$version" "$binary"; then
    return
  fi

  echo "installing $name $version ..."
  rm -f "$STAMPS/$name"
  ("$fn") >"$LOGS/install-$name.log" 2>&1 &
  PIDS+=("$!")
  NAMES+=("$name")
  VERSIONS+=("$version")
}

# Waits for every started installer; stamps the ones that worked, reports the others.
finish_installs() {
  local failed=0 i
  for i in "${!PIDS[@]}"; do
    if wait "${PIDS[$i]}"; then
      echo "${VERSIONS[$i]}" >"$STAMPS/${NAMES[$i]}"
      echo "installed ${NAMES[$i]} ${VERSIONS[$i]}"
    else
      failed=1
      echo "emulators.sh: installing ${NAMES[$i]} failed; last lines of" \
        "$LOGS/install-${NAMES[$i]}.log:" >&2
      tail -n 20 "$LOGS/install-${NAMES[$i]}.log" >&2
    fi
  done
  return "$failed"
}

cmd_install() {
  mkdir -p "$EMU/bin" "$STAMPS" "$LOGS"

  start_install moto "$MOTO_VERSION" "$EMU/venv/bin/moto_server" install_moto
  start_install fake-gcs-server "$FAKE_GCS_VERSION" "$EMU/bin/fake-gcs-server" install_fake_gcs
  start_install versitygw "$VERSITYGW_VERSION" "$EMU/bin/versitygw" install_versitygw

  if ((${#PIDS[@]} == 0)); then
    echo "emulators: all installed (moto $MOTO_VERSION, fake-gcs-server $FAKE_GCS_VERSION," \
      "versitygw $VERSITYGW_VERSION)"
    return
  fi
  finish_installs || die "install failed (see above)"
}

# --- status -------------------------------------------------------------------------------

report() {
  local name="$1" version="$2" binary="$3"
  if is_installed "$name" "$version" "$binary"; then
    printf '%-16s %-8s %s\n' "$name" "$version" "$binary"
    return 0
  fi

  local have
  have="$(stamp_of "$name")"
  printf '%-16s %-8s %s\n' "$name" "missing" \
    "(want $version${have:+, have $have}; run scripts/emulators.sh install)"
  return 1
}

report_azurite() {
  local pkg="$ROOT/node_modules/azurite/package.json" version
  if [[ ! -x "$ROOT/node_modules/.bin/azurite-blob" || ! -f "$pkg" ]]; then
    printf '%-16s %-8s %s\n' azurite missing "(a root devDependency: run npm ci)"
    return 1
  fi

  version="$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' "$pkg" | head -n 1)"
  printf '%-16s %-8s %s\n' azurite "$version" "$ROOT/node_modules/.bin/azurite-blob"
}

cmd_status() {
  local missing=0
  report moto "$MOTO_VERSION" "$EMU/venv/bin/moto_server" || missing=1
  report fake-gcs-server "$FAKE_GCS_VERSION" "$EMU/bin/fake-gcs-server" || missing=1
  report versitygw "$VERSITYGW_VERSION" "$EMU/bin/versitygw" || missing=1
  report_azurite || missing=1
  return "$missing"
}

case "${1:-}" in
  install) cmd_install ;;
  status) cmd_status ;;
  *) die "usage: scripts/emulators.sh install|status" ;;
esac
