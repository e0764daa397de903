"""ztk-sim, the scenario runner: output format, swarm seeds, determinism check, golden hashes,
JUnit XML, fault specs, shrinking of a failing fault schedule and replay of the shrunk one."""
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

BUILD = os.environ.get("ZTK_BUILD", "build")
SOURCE = os.environ.get("ZTK_SOURCE", ".")
SIM = os.path.join(BUILD, "tools", "ztk-sim")
FRAGILE = os.path.join(SOURCE, "tests", "tools", "sim_fixtures", "fragile.py")
RELAY = os.path.join(SOURCE, "scenarios", "relay_then_direct.py")
sys.path.insert(0, os.path.join(SOURCE, "scenarios"))


def sim(*args, expect=0):
    p = subprocess.run([sys.executable, SIM, "run"] + list(args), capture_output=True, text=True,
                       timeout=600)
    out = p.stdout + p.stderr
    assert p.returncode == expect, "exit %d (wanted %d):\n%s" % (p.returncode, expect, out)
    last = out.strip().splitlines()[-1]
    assert re.fullmatch(r"\d+ passed, \d+ failed", last), "last line: %r" % last
    return out


def test_fault_specs():
    from ztkit.faults import FaultSchedule, FaultSpecError
    text = "crash@1200:m3;restart@2000:m3:wipe;partition@5000:m1+m2:g;heal@9000;" \
           "link@3000:m2:latency_ms=50,loss=0.1;linkdown@10:m1;linkup@20:m1;clock@1000:m4:-5000"
    s = FaultSchedule.parse(text)
    assert len(s) == 8 and s.spec() == text, s.spec()
    assert FaultSchedule.parse("none") == [] and FaultSchedule.parse("").spec() == "none"
    for bad in ("crash", "crash@x:m1", "nope@1:m1", "crash@5", "link@1:m1:speed=3", "clock@1:m1:x"):
        try:
            FaultSchedule.parse(bad)
        except FaultSpecError:
            continue
        raise AssertionError("accepted bad fault spec %r" % bad)


def test_pass_swarm_determinism_junit():
    with tempfile.TemporaryDirectory() as tmp:
        junit = os.path.join(tmp, "j.xml")
        out = sim(RELAY, "--seeds", "1..3", "--check-determinism", "--junit", junit)
        assert out.strip().splitlines()[-1] == "3 passed, 0 failed"
        assert "seeds 1..3" in out and "[3/3]" in out
        suite = ET.parse(junit).getroot()
        assert suite.get("tests") == "3" and suite.get("failures") == "0"
        assert len(suite.findall("testcase")) == 3


def test_golden():
    with tempfile.TemporaryDirectory() as tmp:
        golden = os.path.join(tmp, "golden.txt")
        sim(RELAY, "--update-golden", golden)
        text = open(golden).read()
        assert re.search(r"^relay_then_direct 1 [0-9a-f]{64}$", text, re.M), text
        sim(RELAY, "--golden", golden)
        with open(golden, "w") as f:
            f.write("relay_then_direct 1 " + "0" * 64 + "\n")
        out = sim(RELAY, "--golden", golden, expect=1)
        assert "differs from the golden" in out and "--update-golden" in out
        out = sim(RELAY, "--seed", "2", "--golden", golden, expect=1)
        assert "no golden hash for relay_then_direct seed 2" in out


def test_shrink_and_replay():
    out = sim(FRAGILE, expect=1)
    assert "hosts down at the end" in out, out
    m = re.search(r"replay: (.*)", out)
    assert m and "--seed 3" in m.group(1) and "--faults" in m.group(1), out
    s = re.search(r"shrunk \((\d+) runs\): (\d+) of (\d+) faults(.*)", out)
    assert s, out
    assert int(s.group(2)) == 1 and int(s.group(3)) == 8, s.group(0)
    assert "duration_ms=" in s.group(4), s.group(0)  # the run got shorter too
    cmd = re.search(r"replay shrunk: .* --seed 3 (.*)", out).group(1)
    faults = re.search(r"--faults '?([^' ]+)'?", cmd).group(1)
    assert re.fullmatch(r"crash@\d+:m\d", faults), faults
    params = re.search(r"--params '?([^' ]+)'?", cmd)
    extra = ["--params", params.group(1)] if params else []
    out = sim(FRAGILE, "--seed", "3", "--faults", faults, "--no-shrink", *extra, expect=1)
    assert "hosts down at the end" in out
    sim(FRAGILE, "--seed", "3", "--faults", "none", *extra)


def test_determinism_check_finds_divergence():
    nd = os.path.join(SOURCE, "tests", "tools", "sim_fixtures", "nondeterministic.py")
    sim(nd)  # a single run passes
    out = sim(nd, "--check-determinism", expect=1)
    m = re.search(r"first diverging trace line (\d+):\n\s+run 1: (.*)\n\s+run 2: (.*)", out)
    assert m, out
    assert "note wall clock" in m.group(2) and "note wall clock" in m.group(3), m.group(0)
    assert m.group(2) != m.group(3)
    assert "revision:" in out and "replay:" in out


def test_bad_arguments():
    out = sim(RELAY, "--params", "nosuch=1", expect=1)
    assert "has no parameter 'nosuch'" in out
    p = subprocess.run([sys.executable, SIM, "run", RELAY, "--faults", "bogus"], capture_output=True,
                       text=True)
    assert p.returncode != 0 and "--faults" in p.stderr + p.stdout


def main():
    tests = [v for k, v in sorted(globals().items()) if k.startswith("test_")]
    failed = 0
    for t in tests:
        try:
            t()
            print("ok   %s" % t.__name__)
        except AssertionError as e:
            failed += 1
            print("FAIL %s: %s" % (t.__name__, e))
    print("%d passed, %d failed" % (len(tests) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
