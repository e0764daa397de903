"""Live VL2 interop: ztkit's member, controller and local API against the real ZeroTierOne 1.14.1.

In private network namespaces (ztnet.Lab: a routing hub, each node in its own /24):
  n1  10.250.1.2  real zerotier-one: the ONLY root of a custom planet, and the controller of
                  network A (its embedded controller, driven through its own HTTP API)
  n2  10.250.2.2  our `ztk-node join A` (core responder on), later also in network B
  n3  10.250.3.2  a real zerotier-one member with kernel taps (zt* devices), in A and B
  n4  10.250.4.2  our `ztk-node controller`, the controller of network B

(a) our member on a real controller: A is created and both members authorized through the
    real controller's API; our node prints its managed IPv4, rfc4193 and 6plane addresses; the
    real member's kernel pings them (ICMP echo from its namespace) and our responder answers.
(b) a real member on our controller: B is created and both members authorized through OUR
    controller's API; the real member gets its addresses on its tap (`ip addr` in its
    namespace) and pings our member's B addresses, answered by our responder.
(c) the real zerotier-cli against our node's local API inside n2: info, listnetworks,
    listpeers, and `join B` (that is how our member enters B).

Needs ZEROTIER_ONE=/path/to/zerotier-one and root (network namespaces, taps); exits 77
(skipped) with the reason otherwise. Namespaces and processes are removed in all cases
(processes by PID); every wait is bounded; no traffic leaves the namespaces."""
import ipaddress
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
WAIT = 60

failures = 0


def check(ok, label, detail=""):
    global failures
    print(f"{'ok  ' if ok else 'FAIL'} {label}" + (f": {detail}" if detail and not ok else ""), flush=True)
    failures += not ok
    return ok


def wait_for(fn, timeout=WAIT, every=0.5):
    """Calls fn until it returns something true (returned) or timeout s pass (None)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = fn()
        if v:
            return v
        time.sleep(every)
    return None


def network_body(name, pool):
    return {"name": name, "private": True, "v4AssignMode": {"zt": True},
            "v6AssignMode": {"rfc4193": True, "6plane": True, "zt": False},
            "ipAssignmentPools": [{"ipRangeStart": pool + ".10", "ipRangeEnd": pool + ".200"}],
            "routes": [{"target": pool + ".0/24", "via": None}]}


def ready_line(proc, nwid, start=0):
    """The last "ready" line our join printed for nwid (its managed addresses), or None."""
    found = [e for e in proc.json_lines()[start:] if e.get("event") == "ready" and e.get("nwid") == nwid]
    return found[-1] if found else None


def split_addresses(addrs):
    """(IPv4, rfc4193, 6plane) addresses without prefix lengths from "ip/bits" strings."""
    v4 = [a.split("/")[0] for a in addrs if "." in a]
    rfc = [a.split("/")[0] for a in addrs if a.startswith("fd") and a.endswith("/88")]
    plane = [a.split("/")[0] for a in addrs if a.startswith("fc") and a.endswith("/40")]
    return v4, rfc, plane


def ping_all(lab, ns, label, addrs):
    for a in addrs:
        got, rtts = lab.ping(ns, a, count=3)
        check(got >= 2, "%s: kernel ping %s answered (%d/3, %s ms)" % (label, a, got, ", ".join(rtts)),
              "rtts/errors: %s" % rtts)


class Scenario:
    def __init__(self, lab, tmp):
        self.lab, self.tmp = lab, tmp

    def start_real(self, k, name, identity=None):
        ns, ip = self.lab.add_node(k)
        home = ztnet.zt_home(self.tmp, name, self.planet, identity, PORT)
        proc = self.lab.spawn(ns, [ZT1, "-U", "-p%d" % PORT, home], os.path.join(self.tmp, name + ".log"), name)
        addr = ztnet.wait_zt_online(self.lab, ZT1, ns, home, proc, WAIT, PORT)
        return ns, ip, home, proc, addr

    def start_ours(self, k, name, *args):
        ns, ip = self.lab.add_node(k)
        home = os.path.join(self.tmp, name)
        os.makedirs(home)
        shutil.copy(self.planet, os.path.join(home, "planet"))
        proc = self.lab.spawn(ns, [NODE, "--home", home, "--port", str(PORT), "--json", *args],
                              os.path.join(self.tmp, name + ".log"), name)
        start = ztnet.Proc.wait_line(proc, r'"event":"start"', 30)
        doc = [e for e in proc.json_lines() if e.get("event") == "start"]
        return ns, ip, home, proc, doc[0] if start and doc else None

    def zt_cli(self, ns, home, *args):
        return ztnet.zt_cli(self.lab, ZT1, ns, home, *args, port=PORT)

    def real_network(self, ns, home, nwid):
        """The real member's document of nwid (zerotier-cli -j listnetworks), or None."""
        rc, out = self.zt_cli(ns, home, "-j", "listnetworks")
        try:
            nets = json.loads(out) if rc == 0 else []
        except ValueError:
            return None
        found = [n for n in nets if n.get("nwid") == nwid]
        return found[0] if found else None

    def run(self):
        root_id = ztnet.make_identity(self.tmp, "root")
        self.planet = ztnet.make_planet(self.tmp, [(root_id[1], ["10.250.1.2/%d" % PORT])], planet_id="dec0de22")
        self.ns1, _, self.home1, self.real_ctl, addr1 = self.start_real(1, "root", root_id)
        if not check(addr1 == root_id[1][:10], "real zerotier-one root (and controller of A) is up"):
            return
        self.addr1 = addr1
        self.phase_a()
        self.phase_b()
        self.phase_c()
        check(self.real_ctl.p.poll() is None and self.real_member.p.poll() is None, "real nodes still running")
        check(self.member.p.poll() is None and self.our_ctl.p.poll() is None, "our nodes still running")

    # ---- (a) our member, real controller ----

    def phase_a(self):
        lab = self.lab
        token1 = os.path.join(self.home1, "authtoken.secret")
        status, net = lab.http(self.ns1, PORT, token1, "POST", "/controller/network/%s______" % self.addr1,
                               network_body("real-ctl-net", "10.144.1"))
        if not check(status == 200 and "id" in net, "network A created through the real controller's API",
                     "%s %s" % (status, net)):
            raise RuntimeError("no network A")
        self.nwid_a = net["id"]
        self.ns2, _, self.home2, self.member, start = self.start_ours(2, "ours-member", "join", self.nwid_a)
        if not check(start is not None, "ztk-node join A started", self.member.text()):
            raise RuntimeError("our member did not start")
        self.our_addr = start["address"]
        self.ns3, _, self.home3, self.real_member, addr3 = self.start_real(3, "real-member")
        if not check(addr3 is not None, "real zerotier-one member is online"):
            raise RuntimeError("real member offline")
        self.real_addr = addr3
        rc, out = self.zt_cli(self.ns3, self.home3, "join", self.nwid_a)
        check(rc == 0, "real member joins A", out)
        for who in (self.our_addr, self.real_addr):
            status, doc = lab.http(self.ns1, PORT, token1, "POST", "/controller/network/%s/member/%s"
                                   % (self.nwid_a, who), {"authorized": True})
            check(status == 200 and doc.get("authorized") is True, "real controller authorizes %s" % who,
                  "%s %s" % (status, doc))
        ready = wait_for(lambda: ready_line(self.member, self.nwid_a))
        if not check(ready is not None, "our member got a config from the real controller", self.member.text()):
            return
        v4, rfc, plane = split_addresses(ready["addresses"])
        print("     our addresses on A: " + ", ".join(ready["addresses"]), flush=True)
        check(len(v4) == 1 and ipaddress.ip_address(v4[0]) in ipaddress.ip_network("10.144.1.0/24"),
              "our managed IPv4 on A is in the pool", ready["addresses"])
        check(len(rfc) == 1 and len(plane) == 1, "our rfc4193 (/88) and 6plane (/40) addresses on A",
              ready["addresses"])
        real = wait_for(lambda: (lambda n: n if n and n.get("status") == "OK" and n.get("assignedAddresses")
                                 else None)(self.real_network(self.ns3, self.home3, self.nwid_a)))
        if not check(real is not None, "the real member is OK on A"):
            return
        time.sleep(2)  # the tap's addresses settle (duplicate address detection for IPv6)
        ping_all(lab, self.ns3, "(a) real member -> our member on A", v4 + rfc + plane)

    # ---- (b) real member, our controller ----

    def phase_b(self):
        lab = self.lab
        self.ns4, _, self.home4, self.our_ctl, start = self.start_ours(4, "ours-controller", "controller")
        if not check(start is not None and start.get("controller") is True, "ztk-node controller started",
                     self.our_ctl.text()):
            raise RuntimeError("our controller did not start")
        ctl_addr = start["address"]
        check(self.our_ctl.wait_line(r'"event":"online"', WAIT) is not None, "our controller is online via the real root")
        token4 = os.path.join(self.home4, "authtoken.secret")
        status, net = lab.http(self.ns4, PORT, token4, "POST", "/controller/network/%s______" % ctl_addr,
                               network_body("our-ctl-net", "10.145.2"))
        if not check(status == 200 and "id" in net, "network B created through OUR controller's API",
                     "%s %s" % (status, net)):
            raise RuntimeError("no network B")
        self.nwid_b = net["id"]
        rc, out = self.zt_cli(self.ns3, self.home3, "join", self.nwid_b)
        check(rc == 0, "real member joins B", out)
        # (c) the real zerotier-cli against our member's API makes it join B
        rc, out = self.zt_cli(self.ns2, self.home2, "join", self.nwid_b)
        check(rc == 0 and out.strip() == "200 join OK", "(c) zerotier-cli join B against our node's API", out)
        for who in (self.real_addr, self.our_addr):
            status, doc = lab.http(self.ns4, PORT, token4, "POST", "/controller/network/%s/member/%s"
                                   % (self.nwid_b, who), {"authorized": True})
            check(status == 200 and doc.get("authorized") is True, "OUR controller authorizes %s" % who,
                  "%s %s" % (status, doc))
        real = wait_for(lambda: (lambda n: n if n and n.get("status") == "OK" and n.get("assignedAddresses")
                                 else None)(self.real_network(self.ns3, self.home3, self.nwid_b)))
        if not check(real is not None, "the real member got a config from OUR controller"):
            print(self.our_ctl.text()[-2000:])
            return
        print("     real member on B: %s %s" % (real["portDeviceName"], ", ".join(real["assignedAddresses"])),
              flush=True)
        want = [a.split("/")[0] for a in real["assignedAddresses"]]
        v4, rfc, plane = split_addresses(real["assignedAddresses"])
        check(len(v4) == 1 and ipaddress.ip_address(v4[0]) in ipaddress.ip_network("10.145.2.0/24")
              and len(rfc) == 1 and len(plane) == 1, "its IPv4, rfc4193 and 6plane addresses on B",
              real["assignedAddresses"])
        dev = real["portDeviceName"]

        def on_tap():
            rc, out, _ = lab.ns_run(self.ns3, ["ip", "-o", "addr", "show", "dev", dev], check=False)
            return out if rc == 0 and all((" %s/" % a) in out for a in want) else None
        check(wait_for(on_tap, 30) is not None, "they are on its tap %s (ip addr in its namespace)" % dev)
        ours = wait_for(lambda: ready_line(self.member, self.nwid_b, 0))
        if not check(ours is not None, "our member got a config from OUR controller", self.member.text()[-2000:]):
            return
        v4, rfc, plane = split_addresses(ours["addresses"])
        print("     our addresses on B: " + ", ".join(ours["addresses"]), flush=True)
        time.sleep(2)
        ping_all(lab, self.ns3, "(b) real member -> our member on B", v4 + rfc + plane)

    # ---- (c) zerotier-cli against our node ----

    def phase_c(self):
        rc, out = self.zt_cli(self.ns2, self.home2, "info")
        check(rc == 0 and out.strip() == "200 info %s 1.14.1 ONLINE" % self.our_addr,
              "(c) zerotier-cli info against our node", out)
        rc, out = self.zt_cli(self.ns2, self.home2, "listnetworks")
        lines = [x for x in out.splitlines() if x.startswith("200 listnetworks ") and "<nwid>" not in x]
        names = {x.split()[2]: x for x in lines}
        check(rc == 0 and set(names) == {self.nwid_a, self.nwid_b}
              and all(" OK PRIVATE " in x for x in lines), "(c) zerotier-cli listnetworks: A and B, OK", out)
        rc, out = self.zt_cli(self.ns2, self.home2, "listpeers")
        check(rc == 0 and ("200 listpeers %s 10.250.1.2/%d;" % (self.addr1, PORT)) in out and " PLANET" in out,
              "(c) zerotier-cli listpeers: the real root as PLANET at its address", out)
        check(("200 listpeers %s " % self.real_addr) in out, "(c) listpeers shows the real member", out)


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
    if not os.path.exists("/dev/net/tun"):
        print("skipped: no /dev/net/tun for the real member's taps")
        return ztnet.SKIP
    ztnet.interrupt_on_sigterm()  # so the cleanup below still runs
    with tempfile.TemporaryDirectory() as tmp:
        try:
            with ztnet.Lab() as lab:
                Scenario(lab, tmp).run()
        except (RuntimeError, OSError, ValueError) as e:
            check(False, "harness", str(e))
        except KeyboardInterrupt:
            check(False, "interrupted (namespaces and processes were removed)")
        if failures:
            for log in ("root.log", "real-member.log", "ours-member.log", "ours-controller.log"):
                path = os.path.join(tmp, log)
                if os.path.exists(path):
                    print("---- %s\n%s" % (log, open(path).read()[-3000:]))
    print(f"{failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
