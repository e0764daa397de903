#!/usr/bin/env bash
# Turns the gcov data of a coverage build (after its tests ran) into an lcov HTML report and
# prints the line coverage of core/; fails if it is below the floor.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-build-cov}
floor=${ZTK_COVERAGE_FLOOR:-90}
cd "$top"
lcov --quiet --capture --directory "$dir" --output-file "$dir/all.info" 2>/dev/null
lcov --quiet --extract "$dir/all.info" "$top/core/*" --output-file "$dir/core.info" 2>/dev/null
genhtml --quiet "$dir/core.info" --output-directory "$dir/coverage-html" >/dev/null 2>&1
pct=$(lcov --summary "$dir/core.info" 2>&1 | sed -n 's/.*lines\.*: *\([0-9.]*\)%.*/\1/p')
echo "core/ line coverage: ${pct}% (report: $dir/coverage-html/index.html)"
awk -v p="$pct" -v f="$floor" 'BEGIN { exit !(p >= f) }' || {
  echo "core/ line coverage ${pct}% is below the floor of ${floor}%" >&2
  exit 1
}
