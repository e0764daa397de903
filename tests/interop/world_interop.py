"""Worlds cross-checked with the real ZeroTierOne 1.14.1.

(a) `zerotier-one -i initmoon/genmoon` and ztk-idtool's produce the same documents and, given
    the same inputs and timestamp, byte-identical .moon/.planet files; each side reads the other's.
(b) A real zerotier-one started with a planet built by our mkplanet (one root at 127.0.0.1) and
    a moon built by our genmoon loads both: listpeers and the local API show our roots with
    roles PLANET and MOON, /status reports our planet's id and timestamp, and the planet file
    the node writes back is unchanged.

Needs ZEROTIER_ONE=/path/to/zerotier-one; exits 77 (skipped) otherwise. Only loopback traffic:
the node binds 127.0.0.1 only, with no secondary port, port mapping or TCP relay. The node is
stopped by its PID and every wait is bounded."""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

BUILD = os.environ.get("ZTK_BUILD", "build")
SOURCE = os.environ.get("ZTK_SOURCE", os.path.join(os.path.dirname(__file__), "..", ".."))
IDTOOL = os.path.abspath(os.path.join(BUILD, "tools", "ztk-idtool"))
ZT1 = os.environ.get("ZEROTIER_ONE")
DATA = os.path.abspath(os.path.join(SOURCE, "tests", "data"))
IDS = {i["name"]: i for i in json.load(open(os.path.join(DATA, "vectors", "identities.json")))["identities"]}
START_TIMEOUT = 30.0

failures = 0


def check(ok, label, detail=""):
    global failures
    print(f"{'ok  ' if ok else 'FAIL'} {label}" + (f": {detail}" if detail and not ok else ""))
    failures += not ok
    return ok


def run(cmd, cwd):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=cwd)
    return p.returncode, p.stdout, p.stderr


def read(path):
    with open(path, "rb") as f:
        return f.read()


def write_json(path, doc):
    with open(path, "w") as f:
        json.dump(doc, f, indent=1)
    return path


def genmoon(tool, doc, d):
    """Runs `genmoon` in directory d; returns (file name, timestamp, bytes) or None."""
    os.makedirs(d, exist_ok=True)
    rc, out, err = run(tool + ["genmoon", write_json(os.path.join(d, "in.json"), doc)], d)
    m = re.match(r"wrote (\S+) \(signed world with timestamp (\d+)\)", out)
    if rc or not m:
        check(False, f"{tool[0]} genmoon", out + err)
        return None
    return m.group(1), int(m.group(2)), read(os.path.join(d, m.group(1)))


def moons_and_docs(tmp):
    real = [ZT1, "-i"]
    ours = [IDTOOL]
    seed = IDS["root"]["public"]
    rc, real_text, err = run(real + ["initmoon", seed], tmp)
    rc2, our_text, err2 = run(ours + ["initmoon", seed], tmp)
    if not check(rc == rc2 == 0, "initmoon on both sides", err + err2):
        return
    real_doc, our_doc = json.loads(real_text), json.loads(our_text)
    # Same document text once the (random) key pair is the same.
    same = our_text
    for k in ("signingKey", "signingKey_SECRET"):
        same = same.replace(our_doc[k], real_doc[k])
    check(same == real_text, "initmoon documents are textually identical (modulo the fresh key)",
          f"\n{real_text}\n{our_text}")

    # Unsorted roots and endpoints exercise zerotier-idtool's ordering.
    roots = [{"identity": IDS["root2"]["public"], "stableEndpoints": ["10.0.0.9/9993", "fd00::2/443"]},
             {"identity": seed, "stableEndpoints": ["fd00::1/9993", "10.0.0.2/443", "10.0.0.1/443",
                                                    "10.0.0.9/9993", "9.0.0.1/9993", "10.0.0.1/9993"]}]
    for label, doc in (("real's document", real_doc), ("our document", our_doc)):
        doc = dict(doc, roots=roots)
        r = genmoon(real, doc, os.path.join(tmp, "real-" + label[:4]))
        if not r:
            continue
        name, ts, real_bytes = r
        o = genmoon(ours, dict(doc, timestamp=ts), os.path.join(tmp, "ours-" + label[:4]))
        if o:
            check(o[0] == name and o[2] == real_bytes,
                  f"genmoon from {label}: same file name and bytes", f"{name} vs {o[0]}")
        rc, out, err = run(ours + ["printworld", os.path.join(tmp, "real-" + label[:4], name)], tmp)
        check(rc == 0 and json.loads(out)["signatureValidWithOwnKey"], f"we read the real {name}", err)

    # A planet from the real genmoon (worldType "planet") equals our mkplanet's, given roots in
    # the order zerotier-idtool sorts them into.
    pdoc = dict(our_doc, worldType="planet", id="dec0de02", roots=roots)
    r = genmoon(real, pdoc, os.path.join(tmp, "real-planet"))
    if r:
        name, ts, real_bytes = r
        rc, out, _ = run(ours + ["printworld", os.path.join(tmp, "real-planet", name)], tmp)
        shown = json.loads(out) if rc == 0 else {}
        mk = dict(pdoc, timestamp=ts, roots=shown.get("roots", []))
        del mk["updatesMustBeSignedBy"]
        rc, out, err = run(ours + ["mkplanet", write_json(os.path.join(tmp, "mk.json"), mk), "mk.planet"], tmp)
        check(rc == 0 and read(os.path.join(tmp, "mk.planet")) == real_bytes,
              "mkplanet equals real genmoon's planet", out + err)


def free_port():
    """A port free for both UDP and TCP on 127.0.0.1 (zerotier-one -p uses both)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.bind(("127.0.0.1", 0))
            port = u.getsockname()[1]
            try:
                with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as t:
                    t.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free port")


def api_get(home, port, path):
    token = open(os.path.join(home, "authtoken.secret")).read().strip()
    req = urllib.request.Request(f"http://127.0.0.1:{port}{path}", headers={"X-ZT1-Auth": token})
    with urllib.request.urlopen(req, timeout=5) as r:
        return json.loads(r.read())


def wait_for_api(proc, home, port):
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            if os.path.exists(os.path.join(home, "authtoken.secret")):
                return api_get(home, port, "/status")
        except (OSError, ValueError):
            pass
        time.sleep(0.2)
    return None


def stop(proc):
    if proc.poll() is None:
        os.kill(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)


def build_home(tmp, port):
    home = os.path.join(tmp, "home")
    os.makedirs(os.path.join(home, "moons.d"))
    planet_doc = {"id": "dec0de5a", "timestamp": 1767225600123,
                  "roots": [{"identity": IDS["root"]["public"], "stableEndpoints": [f"127.0.0.1/{port + 1}"]}],
                  "signingKey": IDS["controller"]["secret"]}
    rc, out, err = run([IDTOOL, "mkplanet", write_json(os.path.join(tmp, "planet.json"), planet_doc),
                        os.path.join(home, "planet")], tmp)
    check(rc == 0, "mkplanet for the live node", err)
    moon_doc = json.loads(run([IDTOOL, "initmoon", IDS["root2"]["public"]], tmp)[1])
    moon_doc["roots"][0]["stableEndpoints"] = [f"127.0.0.1/{port + 2}"]
    rc, out, err = run([IDTOOL, "genmoon", write_json(os.path.join(tmp, "moon.json"), moon_doc)],
                       os.path.join(home, "moons.d"))
    check(rc == 0, "genmoon for the live node", err)
    settings = {"primaryPort": port, "allowSecondaryPort": False, "portMappingEnabled": False,
                "allowTcpFallbackRelay": False, "bind": ["127.0.0.1"], "softwareUpdate": "disable"}
    write_json(os.path.join(home, "local.conf"), {"settings": settings})
    return home


def live_node(tmp):
    port = free_port()
    home = build_home(tmp, port)
    planet_before = read(os.path.join(home, "planet"))
    log = open(os.path.join(tmp, "zerotier-one.log"), "w")
    proc = subprocess.Popen([ZT1, f"-p{port}", "-U", home], stdout=log, stderr=subprocess.STDOUT)
    try:
        status = wait_for_api(proc, home, port)
        if not check(status is not None, "zerotier-one started and answers its local API"):
            return
        check(status.get("planetWorldId") == 0xdec0de5a and status.get("planetWorldTimestamp") == 1767225600123,
              "/status reports our planet", str(status.get("planetWorldId")))
        roles, deadline = {}, time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline and len(roles) < 2:
            roles = {p["address"]: p["role"] for p in api_get(home, port, "/peer")}
            time.sleep(0.2)
        check(roles.get(IDS["root"]["public"][:10]) == "PLANET", "API: our planet root has role PLANET", str(roles))
        check(roles.get(IDS["root2"]["public"][:10]) == "MOON", "API: our moon root has role MOON", str(roles))
        rc, out, err = run([ZT1, "-q", f"-D{home}", f"-p{port}", "listpeers"], tmp)
        check(rc == 0 and re.search(r"^200 listpeers %s .* PLANET$" % IDS["root"]["public"][:10], out, re.M),
              "zerotier-cli listpeers shows our root as PLANET", out + err)
        rc, out, err = run([ZT1, "-q", f"-D{home}", f"-p{port}", "listmoons"], tmp)
        check(rc == 0 and "000000%s" % IDS["root2"]["public"][:10] in out, "zerotier-cli listmoons shows our moon",
              out + err)
    finally:
        stop(proc)
        log.close()
    check(read(os.path.join(home, "planet")) == planet_before, "the planet the node saved back is unchanged")


def main():
    if not ZT1 or not os.access(ZT1, os.X_OK):
        print("skipped: ZEROTIER_ONE is not set to a zerotier-one binary")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        moons_and_docs(tmp)
        live_node(tmp)
    print(f"{failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
