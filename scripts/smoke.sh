#!/usr/bin/env bash
# Smoke test of the artefact users install: every command of an installed dpo-tui (a wheel, not an editable
# install), run from a scratch folder outside the clone. Each step must exit 0 and print what a user expects;
# the first that does not stops the script with a message naming it.
#   usage: scripts/smoke.sh [PYTHON]   (PYTHON: the interpreter of the virtual environment holding dpo-tui)
set -euo pipefail
PY=${1:-python}
BIN=$(dirname "$(command -v "$PY")")
DPO="$BIN/dpo-tui"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
export DPO_TUI_CONFIG="$WORK/config/settings.toml" XDG_DATA_HOME="$WORK/data" XDG_CONFIG_HOME="$WORK/config"
unset DPO_TUI_DB || true
DB="$WORK/demo.db"
steps=0

fail() { echo "SMOKE FAILED: $*" >&2; exit 1; }

# step NAME EXPECTED_TEXT -- COMMAND...: runs COMMAND, needs exit 0, no traceback, and EXPECTED_TEXT in its output.
step() {
  local name=$1 expect=$2; shift 3
  local out
  if ! out=$("$@" 2>"$WORK/stderr"); then
    fail "$name: exit status $? from: $*
$(head -c 2000 "$WORK/stderr")"
  fi
  if grep -q "Traceback" "$WORK/stderr"; then fail "$name: traceback: $(head -c 2000 "$WORK/stderr")"; fi
  if [[ -n "$expect" && "$out" != *"$expect"* ]]; then
    fail "$name: expected '$expect' in its output, got: $(printf '%s' "$out" | head -c 600)"
  fi
  steps=$((steps + 1))
  LAST_OUT=$out
}

case "$("$PY" -c 'import dpo_tui, sys; print(dpo_tui.__file__)')" in
  */site-packages/dpo_tui/__init__.py) ;;
  *) fail "dpo_tui is not imported from an installed wheel in site-packages" ;;
esac

step "--help" "Commands" -- "$DPO" --help
step "--version" "dpo-tui" -- "$DPO" --version
for cmd in new cases show deadline audit db config demo letter export register report queue due calendar follow-up digest import fetch; do
  step "$cmd --help" "Usage:" -- "$DPO" "$cmd" --help
done
step "audit verify --help" "Usage:" -- "$DPO" audit verify --help
step "db backup --help" "Usage:" -- "$DPO" db backup --help

step "demo" "" -- "$DPO" demo --no-open --cases 200 --db "$DB"
step "cases" "DSAR-" -- "$DPO" --db "$DB" cases
step "cases --json" '"ref"' -- "$DPO" --db "$DB" cases --json
REF=$("$PY" -c 'import json,sys; print(json.load(sys.stdin)[0]["ref"])' <<<"$LAST_OUT")
step "show" "$REF" -- "$DPO" --db "$DB" show "$REF"
step "show --json" '"dpo-tui/case/1"' -- "$DPO" --db "$DB" show "$REF" --json
step "deadline" "Due:" -- "$DPO" deadline 2026-01-31
step "deadline --json" '"due"' -- "$DPO" deadline 2026-01-31 --json
step "letter (which apply)" "acknowledgement" -- "$DPO" --db "$DB" letter "$REF"
step "letter acknowledgement" "$REF" -- "$DPO" --db "$DB" letter "$REF" acknowledgement
for fmt in md html json; do
  step "export $fmt" "" -- "$DPO" --db "$DB" export "$REF" --format "$fmt" -o "$WORK/exports-$fmt"
  [[ -s "$WORK/exports-$fmt/$REF.$fmt" ]] || fail "export $fmt: $WORK/exports-$fmt/$REF.$fmt was not written"
done
step "register csv" "ref" -- "$DPO" --db "$DB" register --format csv
step "register json" "$REF" -- "$DPO" --db "$DB" register --format json
step "report" "" -- "$DPO" --db "$DB" report
step "report html" "" -- "$DPO" --db "$DB" report --format html -o "$WORK/report.html"
grep -q "<svg" "$WORK/report.html" || fail "report html: no chart in $WORK/report.html"
# `due` exits 1 or 2 when something needs action (the demo has overdue cases); only 3 (an error) fails here.
step "due" "" -- bash -c '"$1" --db "$2" due --brief; [ $? -le 2 ]' _ "$DPO" "$DB"
step "calendar" "" -- "$DPO" --db "$DB" calendar -o "$WORK/deadlines.ics"
grep -q "BEGIN:VEVENT" "$WORK/deadlines.ics" || fail "calendar: no event in $WORK/deadlines.ics"
step "audit verify" "intact" -- "$DPO" --db "$DB" audit verify
step "db backup" "" -- "$DPO" --db "$DB" db backup "$WORK/backup.db"
[[ -s "$WORK/backup.db" ]] || fail "db backup: no backup file"
step "audit verify (backup)" "intact" -- "$DPO" --db "$WORK/backup.db" audit verify
step "config" "settings.toml" -- "$DPO" config
step "config check" "" -- "$DPO" config check
step "new" "DSAR-" -- "$DPO" --db "$DB" new --name "Smoke Test" --email smoke@example.com --rights access --received 2026-11-20
printf 'From: Erin Intake <erin.intake@example.com>\nSubject: SAR\nDate: Fri, 20 Nov 2026 09:00:00 +0000\nMessage-ID: <smoke-1@example.com>\n\nPlease send me a copy of all the personal data you hold about me.\n' >"$WORK/request.eml"
step "import --dry-run" "dry run: nothing saved" -- "$DPO" --db "$DB" import "$WORK/request.eml" --dry-run --log-confident
step "import" "1 created" -- "$DPO" --db "$DB" import "$WORK/request.eml" --log-confident
step "import again" "1 already imported" -- "$DPO" --db "$DB" import "$WORK/request.eml"

# The queue, headless, from the installed package: it must paint rows of the demo database.
step "queue paints" "painted" -- "$PY" - "$DB" <<'PYEOF'
import asyncio
import sys

from dpo_tui.settings import load_settings
from dpo_tui.store.urls import resolve_url
from dpo_tui.tui.app import DpoApp


async def main(db: str) -> None:
    app = DpoApp(resolve_url(db), load_settings())
    app.open_database()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.export_screenshot()
        if "DSAR-" not in screen:
            sys.exit("the queue painted no case rows")
    print("painted")


asyncio.run(main(sys.argv[1]))
PYEOF

echo "smoke: $steps steps passed"
