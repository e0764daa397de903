#!/usr/bin/env bash
# Builds every libFuzzer target with clang (-DZTK_FUZZ=ON, its own build directory), runs each
# for a while, prints per target executions per second, edges covered, corpus size and what it
# found, then replays every corpus in the normal build (ctest -L fuzz).
#
#   scripts/fuzz.sh                     15 s per target (a smoke run), then the replay
#   scripts/fuzz.sh --time 600 --grow   long runs; new inputs that add coverage are merged
#                                       into fuzz/corpus/<name>/ (commit them)
#   scripts/fuzz.sh --jobs 2 packet twonode   two targets at a time, only these
#
# Options: --time N (seconds per target), --jobs N (targets run at once; default 1),
# --grow (merge new coverage into fuzz/corpus), --build DIR (default build-fuzz), --seed N
# (libFuzzer's -seed, for a reproducible smoke), --no-replay, --no-build; trailing names pick
# targets (default: every fuzz/fuzz_<name>.c).
# Without --grow new inputs go to <build>/fuzz-runs/<name>/ and the source tree is untouched.
# A crash, leak, timeout or OOM leaves its input in <build>/fuzz-runs/<name>/ and fails the
# run; the canary target must crash (it proves crashes are caught). Exit 0 only if all passed.
# LWIP_DIR (environment) overrides third_party/lwip. Dictionaries: fuzz/dict/*.dict, picked
# per target by dicts_for below.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

secs=15 jobs=1 grow=0 replay=1 build=1 bdir=build-fuzz seed=
names=()
while [ $# -gt 0 ]; do
  case $1 in
  --time) secs=$2; shift ;;
  --jobs) jobs=$2; shift ;;
  --grow) grow=1 ;;
  --build) bdir=$2; shift ;;
  --seed) seed=$2; shift ;;
  --no-replay) replay=0 ;;
  --no-build) build=0 ;;
  -h | --help) sed -n '2,20p' "$0"; exit 0 ;;
  -*) echo "fuzz.sh: unknown option $1" >&2; exit 2 ;;
  *) names+=("$1") ;;
  esac
  shift
done
if [ ${#names[@]} -eq 0 ]; then
  for f in fuzz/fuzz_*.c; do n=${f#fuzz/fuzz_}; names+=("${n%.c}"); done
fi
lwip=${LWIP_DIR:-$top/third_party/lwip}

# Which dictionaries (fuzz/dict/<d>.dict) a target gets.
dicts_for() {
  case $1 in
  packet | verbs) echo "vl1 netconf" ;;
  dearmor | fragments | identity | inaddr | world | com | capability | tag | coo | revocation) echo vl1 ;;
  rules | credentials) echo "vl1 ethernet" ;;
  dictionary | netconf | config_request) echo netconf ;;
  vl2_frames | vl2wire) echo "vl1 ethernet" ;;
  ethframe | stack_frames | filter) echo ethernet ;;
  controller_api | ctl_record | twonode | simsockets) echo json ;;
  httpc | net_settings) echo http ;;
  *) echo "" ;;
  esac
}

if [ $build -eq 1 ]; then
  echo "== building fuzz targets with clang in $bdir"
  CC=clang cmake -S . -B "$bdir" -DZTK_FUZZ=ON -DLWIP_DIR="$lwip" >/dev/null
  targets=()
  for n in "${names[@]}"; do targets+=(--target "fuzz_$n"); done
  cmake --build "$bdir" -j "$(nproc 2>/dev/null || echo 2)" "${targets[@]}" 2>&1 |
    grep -E 'error|warning:' || true
  cmake --build "$bdir" -j "$(nproc 2>/dev/null || echo 2)" "${targets[@]}" >/dev/null
fi

runs=$bdir/fuzz-runs
mkdir -p "$runs"

# Runs one target; writes <runs>/<name>/result: "name status execs exec/s cov ft corpus secs".
run_one() {
  local n=$1 out=$runs/$1 corpus=fuzz/corpus/$1 dict
  rm -rf "$out"
  mkdir -p "$out/new" "$corpus"
  dict=$out/all.dict
  : >"$dict"
  for d in $(dicts_for "$n"); do cat "fuzz/dict/$d.dict" >>"$dict"; done
  local args=(-max_total_time="$secs" -print_final_stats=1 -timeout=30 -rss_limit_mb=2560
              -artifact_prefix="$out/" -close_fd_mask=1)
  [ -s "$dict" ] && args+=(-dict="$dict")
  [ -n "$seed" ] && args+=(-seed="$seed")
  local t0 rc=0 status
  t0=$(date +%s)
  "$bdir/fuzz/fuzz_$n" "${args[@]}" "$out/new" "$corpus" >"$out/log" 2>&1 || rc=$?
  local took=$(($(date +%s) - t0))
  local crashed
  crashed=$(ls "$out" | grep -E '^(crash|leak|timeout|oom|slow-unit)-' | head -1 || true)
  if [ "$n" = canary ]; then
    if [ -n "$crashed" ]; then status=ok; else status=FAIL-no-crash; fi
  elif [ $rc -ne 0 ] || [ -n "$crashed" ]; then
    status="FAIL:${crashed:-exit-$rc}"
  else
    status=ok
  fi
  if [ $grow -eq 1 ] && [ "$n" != canary ] && [ "$status" = ok ] && [ -n "$(ls "$out/new")" ]; then
    "$bdir/fuzz/fuzz_$n" -merge=1 -timeout=30 -rss_limit_mb=2560 "$corpus" "$out/new" \
      >"$out/merge.log" 2>&1 || status="FAIL:merge"
  fi
  local execs eps line cov ft size
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$out/log" | tail -1)
  eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/log" | tail -1)
  line=$(grep -E '^#[0-9]+.*cov: ' "$out/log" | tail -1 || true)
  cov=$(echo "$line" | sed -n 's/.*cov: \([0-9]*\).*/\1/p')
  ft=$(echo "$line" | sed -n 's/.*ft: \([0-9]*\).*/\1/p')
  size=$(find "$corpus" -type f | wc -l)
  echo "$n $status ${execs:-0} ${eps:-0} ${cov:-0} ${ft:-0} $size $took" >"$out/result"
}

echo "== running ${#names[@]} targets, ${secs} s each, $jobs at a time"
running=0
for n in "${names[@]}"; do
  if [ ! -x "$bdir/fuzz/fuzz_$n" ]; then
    mkdir -p "$runs/$n"
    echo "$n FAIL:not-built 0 0 0 0 0 0" >"$runs/$n/result"
    continue
  fi
  run_one "$n" &
  running=$((running + 1))
  if [ "$running" -ge "$jobs" ]; then wait -n || true; running=$((running - 1)); fi
done
wait

failed=0 cpu=0
printf '\n%-16s %-28s %12s %9s %7s %7s %7s\n' target status execs exec/s edges ft corpus
for n in "${names[@]}"; do
  read -r name status execs eps cov ft size took <"$runs/$n/result"
  printf '%-16s %-28s %12s %9s %7s %7s %7s\n' "$name" "$status" "$execs" "$eps" "$cov" "$ft" "$size"
  cpu=$((cpu + took))
  [ "$status" = ok ] || failed=$((failed + 1))
done
echo "== ${#names[@]} targets, $failed failed, ${cpu} s of fuzzing (logs and findings: $runs/<name>/)"
[ $failed -eq 0 ] || exit 1

if [ $replay -eq 1 ]; then
  echo "== replaying the corpora in the normal build (ctest -L fuzz)"
  cmake -S . -B build -DLWIP_DIR="$lwip" >/dev/null
  cmake --build build -j "$(nproc 2>/dev/null || echo 2)" >/dev/null
  ctest --test-dir build -L fuzz --output-on-failure -j "$(nproc 2>/dev/null || echo 2)"
fi
