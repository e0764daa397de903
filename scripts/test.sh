#!/usr/bin/env bash
# The whole test suite, as CI runs it: bootstrap, then the normal build's tests, the
# ASan+UBSan build's tests, a coverage build whose core/ line coverage is printed and must
# reach the floor in scripts/coverage.sh, and a fuzz smoke (scripts/fuzz.sh: every libFuzzer
# target built with clang and run 3 s from its corpus, fixed seed; ZTK_FUZZ_SMOKE=0 skips it).
#   scripts/test.sh            everything
#   scripts/test.sh --quick    normal build only
#   ZTK_TEST_REGEX=core/ scripts/test.sh --quick   only matching ctests
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bash scripts/bootstrap.sh

jobs=$(nproc 2>/dev/null || echo 2)
quick=0
[ "${1:-}" = "--quick" ] && quick=1
filter=()
[ -n "${ZTK_TEST_REGEX:-}" ] && filter=(-R "$ZTK_TEST_REGEX")

leg() { # leg <name> <build dir> <cmake options...>
  local name=$1 dir=$2
  shift 2
  echo "== $name: configure and build ($dir)"
  cmake -S . -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo "$@" >/dev/null
  cmake --build "$dir" -j "$jobs" 2>&1 | grep -E 'error|warning:' || true
  cmake --build "$dir" -j "$jobs" >/dev/null
  echo "== $name: tests"
  ctest --test-dir "$dir" --output-on-failure -j "$jobs" "${filter[@]}"
}

leg "normal" build
if [ $quick -eq 0 ]; then
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    leg "sanitizers (ASan+UBSan)" build-asan -DZTK_SANITIZE=ON
  leg "coverage" build-cov -DZTK_COVERAGE=ON -DCMAKE_BUILD_TYPE=Debug
  bash scripts/coverage.sh build-cov
  if [ "${ZTK_FUZZ_SMOKE:-1}" != 0 ] && command -v clang >/dev/null; then
    echo "== fuzz smoke (build-fuzz)"
    bash scripts/fuzz.sh --time 3 --seed 1 --no-replay
  fi
fi
echo "== all test legs passed"
