#!/usr/bin/env bash
# Build the one-folder program (build.spec) and start it on the demo county, offscreen: prints the
# build time, the folder's size and the window's start time; fails if the window does not show.
#
#   packaging/smoke.sh                 # build, then start
#   SKIP_BUILD=1 packaging/smoke.sh    # start an existing dist/cadre-desktop
#
# PYTHON (default: python) must have the build extra installed: pip install -e '.[build]'.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python}
DIST=${DIST:-dist}
WORK=${WORK:-build}

if [ -z "${SKIP_BUILD:-}" ]; then
    start=$(date +%s)
    "$PYTHON" -m PyInstaller --noconfirm --log-level WARN --distpath "$DIST" --workpath "$WORK" build.spec
    echo "build: $(( $(date +%s) - start )) s"
fi
app="$DIST/cadre-desktop/cadre-desktop"
[ -x "$app" ] || { echo "smoke: no built program at $app" >&2; exit 1; }
echo "size: $(du -sh "$DIST/cadre-desktop" | cut -f1)"

data=$(mktemp -d)
trap 'rm -rf "$data"' EXIT
set +e
out=$(QT_QPA_PLATFORM=offscreen CADRE_SMOKE=1 CADRE_DATA_DIR="$data" timeout 180 "$app" --demo 2>&1)
code=$?
set -e
line=$(printf '%s\n' "$out" | grep -m1 "main window shown" || true)
if [ "$code" -ne 0 ] || [ -z "$line" ]; then
    printf '%s\n' "$out" | tail -n 30 >&2
    echo "smoke: FAILED (exit $code; the main window did not show)" >&2
    exit 1
fi
echo "smoke: $line"
