"""Data-plane figures for ztk-bench --zerotier-one: TCP between two members of one ZeroTier
network, each in its own network namespace, for two real zerotier-one members (kernel TCP over
their taps) and for two ztkit nodes (`ztk-node ... listen --sink` / `call`), on the same rig:
our root and controller, veth links through a hub namespace (tests/interop/ztnet.Lab).

measure(zerotier_one, build_dir) -> (figures, ratios, error): figures as (name, value, unit),
ratios as (name, ours, theirs, unit). Needs root (namespaces, taps); reports why otherwise.
Every wait and every transfer is bounded; everything started is ended by PID."""
import json
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "interop"))
import ztnet  # noqa: E402

PORT = 9993
TCP_PORT = 5201
SECONDS = 5
WAIT = 60

# Kernel TCP inside a namespace. "sink PORT N": accepts N connections, reads each to its end,
# prints total bytes and seconds from the first byte to the last end. "send IP PORT N SECS":
# N connections each writing for SECS seconds. "rr IP PORT COUNT" / "echo PORT": one-byte
# round trips, prints the median in ms.
_TCP_SCRIPT = r"""
import socket, sys, threading, time
mode = sys.argv[1]
def fam(ip): return socket.AF_INET6 if ":" in ip else socket.AF_INET
if mode == "sink":
    port, n = int(sys.argv[2]), int(sys.argv[3])
    ls = socket.socket(socket.AF_INET6); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("::", port)); ls.listen(64); ls.settimeout(60)
    total, first, lock, threads = [0], [None], threading.Lock(), []
    def drain(c):
        c.settimeout(60)
        while True:
            b = c.recv(1 << 20)
            if not b: break
            with lock:
                if first[0] is None: first[0] = time.monotonic()
                total[0] += len(b)
        c.close()
    for _ in range(n):
        c, _a = ls.accept(); t = threading.Thread(target=drain, args=(c,)); t.start(); threads.append(t)
    for t in threads: t.join(120)
    print(total[0], time.monotonic() - (first[0] or time.monotonic()))
elif mode == "send":
    ip, port, n, secs = sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
    buf = b"z" * (256 << 10)
    def push():
        s = socket.create_connection((ip, port), timeout=30); end = time.monotonic() + secs
        while time.monotonic() < end: s.sendall(buf)
        s.close()
    ts = [threading.Thread(target=push) for _ in range(n)]
    for t in ts: t.start()
    for t in ts: t.join(secs + 60)
elif mode == "echo":
    ls = socket.socket(socket.AF_INET6); ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("::", int(sys.argv[2]))); ls.listen(1); ls.settimeout(60)
    c, _a = ls.accept(); c.settimeout(30); c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    while True:
        b = c.recv(1)
        if not b: break
        c.sendall(b)
elif mode == "rr":
    ip, port, count = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    s = socket.create_connection((ip, port), timeout=30); s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    rtts = []
    for _ in range(count):
        t = time.monotonic(); s.sendall(b"x"); s.recv(1); rtts.append((time.monotonic() - t) * 1000)
    s.close(); rtts.sort(); print(rtts[len(rtts) // 2])
"""


class Rig:
    def __init__(self, lab, tmp, zt1, build_dir):
        self.lab, self.tmp, self.zt1 = lab, tmp, zt1
        self.node = os.path.join(build_dir, "tools", "ztk-node")
        ztnet.BUILD = build_dir  # the helpers' tools (ztk-idtool) come from the same build

    def ours(self, k, name, *args):
        ns, ip = self.lab.add_node(k)
        home = os.path.join(self.tmp, name)
        os.makedirs(home)
        proc = self.lab.spawn(ns, [self.node, "--home", home, "--planet", self.planet, "--port", str(PORT),
                                   "--json", *args], os.path.join(self.tmp, name + ".log"), name)
        if not proc.wait_line(r'"event":"start"', 30):
            raise RuntimeError("%s did not start: %s" % (name, proc.text()[-500:]))
        start = [e for e in proc.json_lines() if e.get("event") == "start"][0]
        return ns, home, proc, start

    def setup(self):
        root_id = ztnet.make_identity(self.tmp, "root")
        self.planet = ztnet.make_planet(self.tmp, [(root_id[1], ["10.250.1.2/%d" % PORT])], planet_id="dec0de99")
        ns1, _ = self.lab.add_node(1)
        ztnet.home_with_identity(os.path.join(self.tmp, "root"), root_id[0])
        root = self.lab.spawn(ns1, [self.node, "--home", os.path.join(self.tmp, "root"), "--planet", self.planet,
                                    "--port", str(PORT), "--json", "root"], os.path.join(self.tmp, "root.log"), "root")
        if not root.wait_line(r'"event":"start"', 30):
            raise RuntimeError("root did not start: " + root.text()[-500:])
        self.ctl_ns, ctl_home, _, start = self.ours(2, "ctl", "controller")
        self.token = os.path.join(ctl_home, "authtoken.secret")
        status, net = self.lab.http(self.ctl_ns, start["apiPort"], self.token, "POST",
                                    "/controller/network/%s______" % start["address"],
                                    {"name": "bench", "private": True, "v4AssignMode": {"zt": True},
                                     "ipAssignmentPools": [{"ipRangeStart": "10.77.0.10", "ipRangeEnd": "10.77.0.200"}],
                                     "routes": [{"target": "10.77.0.0/24", "via": None}]})
        if status != 200:
            raise RuntimeError("network creation: %s %s" % (status, net))
        self.nwid, self.api = net["id"], start["apiPort"]

    def authorize(self, address):
        status, doc = self.lab.http(self.ctl_ns, self.api, self.token, "POST",
                                    "/controller/network/%s/member/%s" % (self.nwid, address), {"authorized": True})
        if status != 200:
            raise RuntimeError("authorization of %s: %s %s" % (address, status, doc))

    def real_member(self, k):
        ns, _ = self.lab.add_node(k)
        home = ztnet.zt_home(self.tmp, "zt%d" % k, self.planet, None, PORT)
        proc = self.lab.spawn(ns, [self.zt1, "-U", "-p%d" % PORT, home], os.path.join(self.tmp, "zt%d.log" % k))
        addr = ztnet.wait_zt_online(self.lab, self.zt1, ns, home, proc, WAIT, PORT)
        if not addr:
            raise RuntimeError("zerotier-one in n%d did not come online" % k)
        ztnet.zt_cli(self.lab, self.zt1, ns, home, "join", self.nwid, port=PORT)
        self.authorize(addr)
        deadline = time.monotonic() + WAIT
        while time.monotonic() < deadline:
            rc, out = ztnet.zt_cli(self.lab, self.zt1, ns, home, "-j", "listnetworks", port=PORT)
            try:
                nets = json.loads(out) if rc == 0 else []
            except ValueError:
                nets = []
            ips = [a.split("/")[0] for n in nets if n.get("nwid") == self.nwid and n.get("status") == "OK"
                   for a in n.get("assignedAddresses", []) if "." in a]
            if ips:
                return ns, ips[0]
            time.sleep(0.5)
        raise RuntimeError("zerotier-one in n%d got no address on %s" % (k, self.nwid))

    def kernel_tcp(self, server_ns, server_ip, client_ns, streams):
        sink = self.lab.spawn(server_ns, [sys.executable, "-c", _TCP_SCRIPT, "sink", str(TCP_PORT), str(streams)])
        time.sleep(0.5)
        self.lab.ns_run(client_ns, [sys.executable, "-c", _TCP_SCRIPT, "send", server_ip, str(TCP_PORT),
                                    str(streams), str(SECONDS)], timeout=SECONDS + 120)
        if sink.wait(120) is None:
            raise RuntimeError("kernel TCP sink did not finish")
        total, secs = sink.text().split()[:2]
        return int(total) * 8 / 1e6 / max(float(secs), 1e-3)

    def kernel_rtt(self, server_ns, server_ip, client_ns):
        echo = self.lab.spawn(server_ns, [sys.executable, "-c", _TCP_SCRIPT, "echo", str(TCP_PORT + 1)])
        time.sleep(0.5)
        _, out, _ = self.lab.ns_run(client_ns, [sys.executable, "-c", _TCP_SCRIPT, "rr", server_ip,
                                                str(TCP_PORT + 1), "200"], timeout=120)
        echo.wait(10)
        return float(out.split()[0])

    def our_member(self, k, name, *args):
        """A ztk-node socket command in namespace n<k>, its identity made and authorized first
        (these commands print nothing until the network gives them an address)."""
        secret, public = ztnet.make_identity(self.tmp, name + "-id")
        home = os.path.join(self.tmp, name)
        ztnet.home_with_identity(home, secret)
        self.authorize(public[:10])
        ns, _ = self.lab.add_node(k)
        return self.lab.spawn(ns, [self.node, "--home", home, "--planet", self.planet, "--port", str(PORT),
                                   "--json", *args], os.path.join(self.tmp, name + ".log"), name)

    def our_tcp(self):
        """ztkit node to ztkit node: `listen --sink --once` in n5, `call --file` from n6; the
        sink's "done" line gives bytes and seconds."""
        sink = self.our_member(5, "sink", "listen", str(TCP_PORT), "--net", self.nwid, "--sink", "--once")
        if not sink.wait_line(r'"event":"ready"', WAIT):
            raise RuntimeError("our sink got no address: " + sink.text()[-500:])
        doc = [e for e in sink.json_lines() if e.get("event") == "ready"][-1]
        ip = [a.split("/")[0] for a in doc.get("addresses", []) if "." in a][0]
        blob = os.path.join(self.tmp, "blob")
        with open(blob, "wb") as f:
            f.write(os.urandom(1 << 20) * 256)  # 256 MiB
        caller = self.our_member(6, "caller", "call", ip, str(TCP_PORT), "--net", self.nwid, "--file", blob)
        if caller.wait(WAIT + 300) is None or sink.wait(30) is None:
            raise RuntimeError("our transfer did not finish: " + caller.text()[-500:])
        done = [e for e in sink.json_lines() if e.get("event") == "done"]
        if not done or done[-1]["received"] != 256 << 20:
            raise RuntimeError("our sink did not get the whole file: " + sink.text()[-500:])
        return done[-1]["received"] * 8 / 1e6 / max(done[-1]["seconds"], 1e-3)


def measure(zerotier_one, build_dir):
    ok, why = ztnet.can_use_netns()
    if not ok:
        return [], [], why
    figs, ratios = [], []
    with tempfile.TemporaryDirectory() as tmp, ztnet.Lab() as lab:
        rig = Rig(lab, tmp, zerotier_one, build_dir)
        try:
            rig.setup()
            ns3, ip3 = rig.real_member(3)
            ns4, _ = rig.real_member(4)
            for streams in (1, 8):
                mbps = rig.kernel_tcp(ns3, ip3, ns4, streams)
                figs.append(("zerotier-one tcp %d stream(s)" % streams, mbps, "Mbit/s"))
            figs.append(("zerotier-one tcp round trip", rig.kernel_rtt(ns3, ip3, ns4), "ms (median)"))
            ours = rig.our_tcp()
            figs.append(("ztkit tcp 1 stream(s)", ours, "Mbit/s"))
            ratios.append(("tcp_1stream", ours, figs[0][1], "Mbit/s"))
        except (RuntimeError, OSError, ValueError, IndexError, KeyError) as e:
            return figs, ratios, str(e)
    return figs, ratios, None
