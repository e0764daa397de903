"""Live VL1 interop: ztkit's node against the real ZeroTierOne 1.14.1 over real UDP.

In private network namespaces (see ztnet.Lab: a routing hub, each node in its own /24):
  n1  10.250.1.2  real zerotier-one, the ONLY root of a custom planet built by `ztk-idtool
                  mkplanet` (local.conf: no secondary port, no port mapping, no TCP relay)
  n2  10.250.2.2  our `ztk-node`
  n3  10.250.3.2  a real zerotier-one member using the same planet

Checks: `ztk-node info` comes online through the real root and shows it as PLANET at its
stable endpoint; the real member comes online; `ztk-node echo` to the member is answered,
first through the root (relayed) and then directly (the root's RENDEZVOUS); the member lists our
node with a direct path and our version; `ztk-node msg` delivers a USER_MESSAGE that the real
node counts (its /metrics) and otherwise ignores.

Needs ZEROTIER_ONE=/path/to/zerotier-one and root (network namespaces); exits 77 (skipped) with
the reason otherwise. Namespaces and processes are removed in all cases (processes by PID);
every wait is bounded; no traffic leaves the namespaces."""
import json
import os
import shutil
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ztnet  # noqa: E402

ZT1 = os.environ.get("ZEROTIER_ONE")
NODE = ztnet.tool("node")
PORT = 9993
ONLINE_TIMEOUT = 60

failures = 0


def check(ok, label, detail=""):
    global failures
    print(f"{'ok  ' if ok else 'FAIL'} {label}" + (f": {detail}" if detail and not ok else ""), flush=True)
    failures += not ok
    return ok


def zt_home(base, name, planet, identity=None):
    return ztnet.zt_home(base, name, planet, identity, PORT)


def zt_cli(lab, ns, home, *args):
    return ztnet.zt_cli(lab, ZT1, ns, home, *args, port=PORT)


def wait_zt_online(lab, ns, home, proc):
    return ztnet.wait_zt_online(lab, ZT1, ns, home, proc, ONLINE_TIMEOUT, PORT)


def zt_metric(lab, ns, home, packet_type, direction):
    """A zt_packet counter of a real node, read from its local API inside its namespace."""
    script = ("import urllib.request,sys;"
              "t=open(sys.argv[1]).read().strip();"
              "r=urllib.request.Request('http://127.0.0.1:%d/metrics',headers={'X-ZT1-Auth':t});"
              "print(urllib.request.urlopen(r,timeout=5).read().decode())" % PORT)
    rc, out, _ = lab.ns_run(ns, [sys.executable, "-c", script, os.path.join(home, "authtoken.secret")],
                            timeout=30, check=False)
    for line in out.splitlines():
        if line.startswith("zt_packet{") and f'packet_type="{packet_type}"' in line \
                and f'direction="{direction}"' in line:
            return int(float(line.split()[-1]))
    return 0 if rc == 0 else None


def ztk(home, *args, timeout=120):
    return [NODE, "--home", home, "--port", str(PORT), "--json", *args], timeout


def scenario(lab, tmp):
    ns1, ip1 = lab.add_node(1)
    ns2, ip2 = lab.add_node(2)
    ns3, ip3 = lab.add_node(3)
    root_id = ztnet.make_identity(tmp, "root")
    root_addr = root_id[1][:10]
    planet = ztnet.make_planet(tmp, [(root_id[1], ["%s/%d" % (ip1, PORT)])], planet_id="dec0de11")

    root_home = zt_home(tmp, "root", planet, root_id)
    root = lab.spawn(ns1, [ZT1, "-U", "-p%d" % PORT, root_home], os.path.join(tmp, "root.log"), "root")
    if not check(wait_zt_online(lab, ns1, root_home, root) == root_addr, "real zerotier-one root is up"):
        return

    # Our node: the planet is honoured from its home directory (as zerotier-one does).
    our_home = os.path.join(tmp, "ztk")
    os.makedirs(our_home)
    shutil.copy(planet, os.path.join(our_home, "planet"))
    cmd, t = ztk(our_home, "info", "--timeout", str(ONLINE_TIMEOUT))
    rc, out, err = lab.ns_run(ns2, cmd, timeout=t, check=False)
    doc = json.loads(out) if out.startswith("{") else {}
    check(rc == 0 and doc.get("online"), "ztk-node info comes online through the real root", out + err)
    roots = doc.get("roots", [])
    check(len(roots) == 1 and roots[0]["address"] == root_addr and roots[0]["role"] == "PLANET"
          and roots[0]["paths"][0]["address"] == "%s/%d" % (ip1, PORT) and roots[0]["version"] == "1.14.1",
          "info shows the real root as PLANET at its stable endpoint, version 1.14.1", json.dumps(roots))
    our_addr = doc.get("address", "")

    member_home = zt_home(tmp, "member", planet)
    member = lab.spawn(ns3, [ZT1, "-U", "-p%d" % PORT, member_home], os.path.join(tmp, "member.log"), "member")
    member_addr = wait_zt_online(lab, ns3, member_home, member)
    if not check(member_addr is not None, "real zerotier-one member is online"):
        return

    cmd, t = ztk(our_home, "echo", member_addr, "-c", "40", "-i", "500", "--until-direct")
    rc, out, err = lab.ns_run(ns2, cmd, timeout=t, check=False)
    events = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    replies = [e for e in events if e.get("event") == "echo-reply"]
    print("     echo: " + ", ".join("seq %d %.2f ms %s" % (e["seq"], e["rttMs"], "direct" if e["direct"] else "relayed")
                                  for e in replies), flush=True)
    check(rc == 0 and replies and replies[-1]["direct"], "ECHO to the real member: answered, direct at the end",
          out + err)
    check(bool(replies) and not replies[0]["direct"], "the first ECHO reply came through the root (relayed)",
          json.dumps(replies[:1]))

    rc, peers = zt_cli(lab, ns3, member_home, "-j", "peers")
    mine = [p for p in json.loads(peers) if p.get("address") == our_addr] if rc == 0 else []
    direct = mine and any(p.get("active") and p["address"].startswith(ip2 + "/") for p in mine[0].get("paths", []))
    check(bool(direct) and mine[0].get("version") == "1.14.1" and mine[0].get("role") == "LEAF",
          "the real member lists our node as a LEAF with a direct path", peers)

    before = zt_metric(lab, ns3, member_home, "user_message", "rx")
    cmd, t = ztk(our_home, "msg", member_addr, "0x10000001", "hello, zerotier-one")
    rc, out, err = lab.ns_run(ns2, cmd, timeout=t, check=False)
    check(rc == 0 and '"sent":true' in out, "ztk-node msg sends a USER_MESSAGE to the real member", out + err)
    after, deadline = before, time.monotonic() + 10
    while before is not None and after == before and time.monotonic() < deadline:
        time.sleep(0.5)
        after = zt_metric(lab, ns3, member_home, "user_message", "rx")
    check(before is not None and after == before + 1,
          "the real member received it (zt_packet user_message rx %s -> %s)" % (before, after))
    check(member.p.poll() is None and root.p.poll() is None, "real nodes still running")


def main():
    if not ZT1 or not os.access(ZT1, os.X_OK):
        print("skipped: ZEROTIER_ONE is not set to a zerotier-one binary")
        return ztnet.SKIP
    if not os.access(NODE, os.X_OK):
        print("skipped: %s is not built" % NODE)
        return ztnet.SKIP
    ok, why = ztnet.can_use_netns()
    if not ok:
        print("skipped: " + why)
        return ztnet.SKIP
    ztnet.interrupt_on_sigterm()  # so the cleanup below still runs
    with tempfile.TemporaryDirectory() as tmp:
        try:
            with ztnet.Lab() as lab:
                scenario(lab, tmp)
        except (RuntimeError, OSError, ValueError) as e:
            check(False, "harness", str(e))
        except KeyboardInterrupt:
            check(False, "interrupted (namespaces and processes were removed)")
        if failures:
            for log in ("root.log", "member.log"):
                path = os.path.join(tmp, log)
                if os.path.exists(path):
                    print("---- %s\n%s" % (log, open(path).read()[-3000:]))
    print(f"{failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
