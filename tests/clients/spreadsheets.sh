#!/usr/bin/env bash
# Exports open in LibreOffice with every digit: the demo city's findings, release and roster
# as CSV and XLSX (`api export`), each opened by LibreOffice headless and saved again as CSV;
# every credit code and ID number of the originals must come back whole (a CSV cell of 12
# digits or more read as a number comes back as 1.26207E+017). Needs LibreOffice Calc
# (Debian's libreoffice-calc-nogui).
#
#   tests/clients/spreadsheets.sh path/to/api
set -euo pipefail
cd "$(dirname "$0")/../.."
api=$(realpath "${1:?usage: tests/clients/spreadsheets.sh path/to/api}")
command -v soffice >/dev/null || { echo "spreadsheets: LibreOffice (soffice) is not installed" >&2; exit 1; }

check() {
  local out
  out=$(mktemp -d "${TMPDIR:-/tmp}/spreadsheets.XXXXXX")
  # A release to export, as the office publishes it.
  local token
  token=$("$api" token --role STAFFING_OFFICE --jurisdiction 620700)
  curl -fsS -o /dev/null -H "Authorization: Bearer $token" -H 'content-type: application/json' \
    -d '{"query":"mutation { publishRelease { id } }"}' "$1"
  for kind in findings release staff; do
    for format in csv xlsx; do
      "$api" export "$kind" --jurisdiction 620700 --format "$format" --output "$out/$kind.$format" 2>>"$out/export.log"
    done
  done
  # Each file as LibreOffice reads it, saved as CSV (a CSV first becomes a workbook).
  mkdir -p "$out/opened" "$out/back"
  (cd "$out" && soffice --headless "-env:UserInstallation=file://$out/profile" --convert-to xlsx --outdir opened ./*.csv >/dev/null 2>&1)
  for file in "$out"/opened/*.xlsx "$out"/*.xlsx; do
    local name
    name=$(basename "$(dirname "$file")")-$(basename "$file" .xlsx)
    cp "$file" "$out/back/$name.xlsx"
  done
  (cd "$out/back" && soffice --headless "-env:UserInstallation=file://$out/profile" --convert-to csv ./*.xlsx >/dev/null 2>&1)
  python3 - "$out" <<'PY'
import pathlib, re, sys
out = pathlib.Path(sys.argv[1])
long = re.compile(r'(?<![\d.])\d{12,17}[\dXx](?![\d])')
total = 0
for kind in ('findings', 'release', 'staff'):
    codes = set(long.findall((out / f'{kind}.csv').read_text(encoding='utf-8-sig')))
    if not codes:
        sys.exit(f'spreadsheets: FAIL: {kind}.csv has no credit code or ID number to check')
    for opened in (f'opened-{kind}.csv', f'{out.name}-{kind}.csv'):
        text = (out / 'back' / opened).read_text(encoding='utf-8-sig', errors='replace')
        lost = codes - set(long.findall(text))
        if lost or re.search(r'\d\.\d+E\+\d', text):
            sys.exit(f'spreadsheets: FAIL: LibreOffice lost digits in {opened}: {sorted(lost)[:5]}')
    total += len(codes)
print(f'spreadsheets: ok ({total} credit codes and ID numbers kept whole through LibreOffice, CSV and XLSX)')
PY
  rm -rf "$out"
}
export -f check
export api
tests/clients/with-server.sh "$api" bash -c 'check "$0"'
