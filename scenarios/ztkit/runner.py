"""ztk-sim: runs scenario files (one seed, a range of seeds, determinism checks, golden hashes),
shrinks failing fault schedules, and writes JUnit XML and HTML reports.

    ztk-sim run PATH... [--seed N | --seeds A..B] [--check-determinism] [--junit F]
                        [--report DIR] [--params k=v,...] [--faults SPEC] [--golden FILE]
                        [--update-golden] [--no-shrink]
    ztk-sim list PATH...

The last line of `run` is exactly "N passed, M failed"; the exit status is 0 when M is 0.
"""

import argparse
import os
import shlex
import sys
import time
import xml.etree.ElementTree as ET

from ztkit.faults import FaultSchedule, FaultSpecError
from ztkit.scenario import Scenario, failure_kind, format_params, parse_params, run_once

RETAIN_BYTES = 64 << 20
SHRINK_MAX_RUNS = 60
SHRINK_MAX_WALL_S = 120.0


def scenario_files(paths):
    out = []
    for p in paths:
        if os.path.isdir(p):
            out += sorted(os.path.join(p, f) for f in os.listdir(p)
                          if f.endswith(".py") and not f.startswith("_"))
        elif os.path.isfile(p):
            out.append(p)
        else:
            raise SystemExit("ztk-sim: no such scenario file or directory: %s" % p)
    return out


def parse_seeds(args, scenario):
    if args.seeds:
        a, sep, b = args.seeds.partition("..")
        try:
            lo, hi = int(a), int(b if sep else a)
        except ValueError:
            raise SystemExit("ztk-sim: --seeds takes A..B, got %r" % args.seeds) from None
        if hi < lo:
            raise SystemExit("ztk-sim: --seeds %s is empty" % args.seeds)
        return list(range(lo, hi + 1))
    return [args.seed if args.seed is not None else scenario.seed]


def program():
    base = os.path.basename(sys.argv[0])
    return "ztk-sim" if base == "ztk-sim" else "python3 -m ztkit"


def revision():
    """The git revision of the repository the scenarios come from ("unknown" outside git)."""
    import subprocess
    from ztkit._lib import repo_root
    try:
        out = subprocess.run(["git", "-C", repo_root(), "describe", "--always", "--dirty"],
                             capture_output=True, text=True, timeout=10)
        return out.stdout.strip() or "unknown"
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def replay_command(scn, seed, params=None, faults=None):
    cmd = "%s run %s --seed %d" % (program(), shlex.quote(os.path.relpath(scn.path)), seed)
    if params:
        cmd += " --params %s" % shlex.quote(format_params(params))
    if faults is not None:
        cmd += " --faults %s" % shlex.quote(faults.spec())
    return cmd


# ---- golden hashes --------------------------------------------------------------------------

def load_golden(path):
    table = {}
    if path and os.path.exists(path):
        with open(path) as f:
            for line in f:
                parts = line.split("#", 1)[0].split()
                if len(parts) == 3:
                    table[(parts[0], int(parts[1]))] = parts[2]
    return table


def save_golden(path, table):
    with open(path, "w") as f:
        f.write("# Expected trace hash per (scenario, seed): every build (normal, ASan, coverage)\n"
                "# and every machine must produce these. Update deliberately with\n"
                "#   build/tools/ztk-sim run scenarios/ --update-golden scenarios/golden.txt\n"
                "# after a change that is meant to alter traces, and say why in the commit.\n")
        for (name, seed) in sorted(table):
            f.write("%s %d %s\n" % (name, seed, table[(name, seed)]))


# ---- shrinking --------------------------------------------------------------------------------

class Shrinker:
    """Reduces a failing run: fewer faults (delta debugging over the schedule), then smaller
    values of the scenario's SHRINK params, keeping each step only if the run still fails."""

    def __init__(self, scn, seed, params, faults, kind):
        self.scn, self.seed, self.kind = scn, seed, kind
        self.params, self.faults = dict(params), FaultSchedule(faults)
        self.runs, self.t0 = 0, time.monotonic()

    def budget_left(self):
        return self.runs < SHRINK_MAX_RUNS and time.monotonic() - self.t0 < SHRINK_MAX_WALL_S

    def fails(self, params, faults):
        if not self.budget_left():
            return False
        self.runs += 1
        res = run_once(self.scn, self.seed, params, FaultSchedule(faults))
        return not res.ok and failure_kind(res.message) == self.kind

    def shrink_faults(self):
        cur = list(self.faults)
        if cur and self.fails(self.params, []):
            cur = []
        chunk = max(len(cur) // 2, 1)
        while cur and chunk >= 1 and self.budget_left():
            i, changed = 0, False
            while i < len(cur):
                cand = cur[:i] + cur[i + chunk:]
                if self.fails(self.params, cand):
                    cur, changed = cand, True
                else:
                    i += chunk
            if not changed:
                chunk //= 2
        self.faults = FaultSchedule(cur)

    def shrink_params(self):
        for key in sorted(self.scn.shrinkable):
            floor = self.scn.shrinkable[key]
            while self.budget_left() and isinstance(self.params.get(key), (int, float)):
                value = self.params[key]
                cand = floor if value > floor else None
                if cand is None:
                    break
                trial = dict(self.params, **{key: cand})
                if self.fails(trial, self.faults):
                    self.params = trial
                    break
                half = type(value)(value - (value - floor) / 2)
                if half in (value, floor):
                    break
                trial = dict(self.params, **{key: half})
                if not self.fails(trial, self.faults):
                    break
                self.params = trial

    def run(self):
        self.shrink_faults()
        self.shrink_params()
        return self.params, self.faults


# ---- running ------------------------------------------------------------------------------------

class Runner:
    def __init__(self, args):
        self.args = args
        self.results = []
        self.golden = load_golden(args.golden or args.update_golden)
        self.out = sys.stdout

    def say(self, text=""):
        print(text, file=self.out, flush=True)

    def progress(self, world):
        self.say("    ... t=%.1fs virtual, %d events" % (world.now / 1000, world.events_run()))

    def one(self, scn, seed, params, faults):
        a = self.args
        retain = RETAIN_BYTES if a.check_determinism else 0
        res = run_once(scn, seed, params, faults, retain, bool(a.report), self.progress,
                       keep_worlds=a.check_determinism)
        if a.check_determinism and res.ok:
            again = run_once(scn, seed, params, faults, retain, False, None, keep_worlds=True)
            self.compare(res, again)
            for w in res.worlds + again.worlds:
                w.close()
        for w in res.worlds:
            w.close()
        if res.ok and not params and faults is None:
            self.check_golden(res)
        return res

    def compare(self, res, again):
        if res.hash == again.hash and again.ok:
            return
        res.ok = False
        if not again.ok:
            res.message = "nondeterministic: the second run failed: %s" % again.message
            return
        where = ""
        for wa, wb in zip(res.worlds, again.worlds):
            d = wa.compare_trace(wb)
            if d:
                where = "; first diverging trace line %d:\n      run 1: %s\n      run 2: %s" % d
                break
        res.message = "nondeterministic: trace hashes differ (%s vs %s)%s" % (
            res.hash[:16], again.hash[:16], where)

    def check_golden(self, res):
        key = (res.name, res.seed)
        if self.args.update_golden:
            self.golden[key] = res.hash
        elif self.args.golden:
            want = self.golden.get(key)
            if want is None:
                res.ok = False
                res.message = ("no golden hash for %s seed %d in %s (add it with --update-golden)"
                               % (res.name, res.seed, self.args.golden))
            elif want != res.hash:
                res.ok = False
                res.message = ("trace hash %s differs from the golden %s in %s; if the change is "
                               "deliberate, update it with --update-golden" % (
                                   res.hash, want, self.args.golden))

    def report_failure(self, res, params, faults):
        self.say("  seed %d failed: %s" % (res.seed, res.message))
        self.say("  revision: %s" % revision())
        if res.fault_log:
            self.say("  faults injected: %s" % res.fault_log.spec())
        self.say("  replay: %s" % replay_command(res.scenario, res.seed, params or None,
                                                  faults if faults is not None else
                                                  (res.faults if res.scenario.has_faults else None)))
        if self.args.no_shrink or not (res.faults or res.scenario.shrinkable):
            return
        if res.message.startswith(("nondeterministic", "trace hash", "no golden")):
            return
        shrinker = Shrinker(res.scenario, res.seed, res.params, res.faults, failure_kind(res.message))
        sp, sf = shrinker.run()
        changed = {k: v for k, v in sp.items() if v != res.params.get(k)}
        self.say("  shrunk (%d runs): %d of %d faults%s" % (
            shrinker.runs, len(sf), len(res.faults),
            (", params " + format_params(changed)) if changed else ""))
        self.say("  replay shrunk: %s" % replay_command(res.scenario, res.seed,
                                                       dict(params or {}, **changed) or None, sf))

    def run(self):
        a = self.args
        params = parse_params(a.params) if a.params else {}
        try:
            faults = FaultSchedule.parse(a.faults) if a.faults is not None else None
        except FaultSpecError as e:
            raise SystemExit("ztk-sim: --faults: %s" % e) from None
        files = scenario_files(a.paths)
        for path in files:
            scn = Scenario(path)
            seeds = parse_seeds(a, scn)
            self.say("== %s (%s)%s" % (scn.name, scn.doc or "no description",
                                      ", seeds %d..%d" % (seeds[0], seeds[-1]) if len(seeds) > 1 else ""))
            for k, seed in enumerate(seeds):
                res = self.one(scn, seed, params, faults)
                self.results.append(res)
                self.say("%s %s seed=%d t=%.3fs events=%d hash=%s (%.2f s)%s" % (
                    "PASS" if res.ok else "FAIL", scn.name, seed, res.virtual_ms / 1000, res.events,
                    res.hash[:16], res.wall_s, " [%d/%d]" % (k + 1, len(seeds)) if len(seeds) > 1 else ""))
                if not res.ok:
                    self.report_failure(res, params, faults)
        self.finish()
        return 0 if all(r.ok for r in self.results) else 1

    def finish(self):
        a = self.args
        if a.update_golden:
            save_golden(a.update_golden, self.golden)
            self.say("golden hashes written to %s" % a.update_golden)
        if a.junit:
            write_junit(a.junit, self.results)
        if a.report:
            from ztkit.report import write_reports
            write_reports(a.report, self.results)
            self.say("report: %s" % os.path.join(a.report, "index.html"))
        self.summary()

    def summary(self):
        if len(self.results) > 1:
            self.say("")
            self.say("%-28s %8s %6s %12s %12s %9s" % ("scenario", "seed", "result", "virtual s",
                                                      "events", "wall s"))
            for r in self.results:
                self.say("%-28s %8d %6s %12.3f %12d %9.2f" % (r.name, r.seed, "pass" if r.ok else "FAIL",
                                                              r.virtual_ms / 1000, r.events, r.wall_s))
        passed = sum(r.ok for r in self.results)
        self.say("%d passed, %d failed" % (passed, len(self.results) - passed))


def write_junit(path, results):
    suite = ET.Element("testsuite", name="ztk-sim", tests=str(len(results)),
                       failures=str(sum(not r.ok for r in results)),
                       time="%.3f" % sum(r.wall_s for r in results))
    for r in results:
        case = ET.SubElement(suite, "testcase", classname="scenarios." + r.name,
                             name="%s[seed=%d]" % (r.name, r.seed), time="%.3f" % r.wall_s)
        ET.SubElement(case, "properties")
        for k, v in (("seed", r.seed), ("trace_hash", r.hash), ("virtual_ms", r.virtual_ms)):
            ET.SubElement(case[0], "property", name=k, value=str(v))
        if not r.ok:
            fail = ET.SubElement(case, "failure", message=r.message.splitlines()[0] if r.message else "")
            fail.text = "%s\nreplay: %s" % (r.message, replay_command(r.scenario, r.seed))
    ET.ElementTree(suite).write(path, encoding="utf-8", xml_declaration=True)


def main(argv=None):
    ap = argparse.ArgumentParser(prog="ztk-sim", description="Run ztkit simulator scenarios.")
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("run", help="run scenario files or directories")
    r.add_argument("paths", nargs="+", metavar="PATH")
    g = r.add_mutually_exclusive_group()
    g.add_argument("--seed", type=int, help="one seed (default: the scenario's SEED)")
    g.add_argument("--seeds", help="a range A..B of seeds (swarm mode)")
    r.add_argument("--check-determinism", action="store_true",
                   help="run each seed twice and compare the traces")
    r.add_argument("--junit", metavar="FILE", help="write JUnit XML")
    r.add_argument("--report", metavar="DIR", help="write an HTML report per run")
    r.add_argument("--params", help="override params: k=v,k=v")
    r.add_argument("--faults", help="replace the generated fault schedule (see ztkit/faults.py)")
    r.add_argument("--golden", metavar="FILE", help="check trace hashes against FILE")
    r.add_argument("--update-golden", metavar="FILE", help="record trace hashes into FILE")
    r.add_argument("--no-shrink", action="store_true", help="do not shrink failures")
    ls = sub.add_parser("list", help="list scenarios with their params")
    ls.add_argument("paths", nargs="+", metavar="PATH")
    args = ap.parse_args(argv)
    if args.cmd == "list":
        for path in scenario_files(args.paths):
            s = Scenario(path)
            print("%-28s seed=%d %s  params: %s" % (s.name, s.seed, s.doc, s.params_spec or "-"))
        return 0
    return Runner(args).run()
