"""Reusable pieces for ztkit's script tests and live interop harnesses (Python stdlib only).

- Proc: a background process whose output lines are collected by a thread; wait for a line
  matching a pattern (bounded), stop it by PID (SIGTERM, then SIGKILL after a bound).
- Identities and planets through our own tools (ztk-idtool generate / mkplanet).
- Lab: private network namespaces (`ip netns`) for live runs: a hub namespace that routes
  between one namespace per node, each node in its own /24 (10.250.<n>.0/24, the node at .2,
  the hub at .1) because ZeroTier rate-limits new identities per source /24. Everything is
  removed on exit, whatever happened. Needs root (CAP_NET_ADMIN); no traffic leaves the
  namespaces (the hub has no link to the host). Inside a namespace: a node's local HTTP API
  (Lab.http) and ICMP echo from the namespace's kernel stack (Lab.ping).
- Real zerotier-one nodes: a quiet home (zt_home), zerotier-cli (zt_cli), waiting until ONLINE.

Every wait is bounded; processes are only ever signalled by the PIDs this module started."""
import atexit
import sys
import json
import os
import queue
import re
import signal
import socket
import subprocess
import threading
import time

BUILD = os.environ.get("ZTK_BUILD", "build")
SKIP = 77

_live = []  # Procs not yet stopped: stopped at interpreter exit whatever happened


def _stop_live():
    for p in list(_live):
        p.stop(timeout=5)


atexit.register(_stop_live)


def interrupt_on_sigterm():
    """Makes SIGTERM (a test runner's timeout) unwind like Ctrl-C, so `with`/`finally` blocks
    and the exit handler above clean up namespaces and processes."""
    def handler(signum, frame):
        raise KeyboardInterrupt("SIGTERM")
    signal.signal(signal.SIGTERM, handler)


def tool(name):
    """Path of a built ztkit program: tool("node") -> <build>/tools/ztk-node."""
    return os.path.abspath(os.path.join(BUILD, "tools", "ztk-" + name))


def run(cmd, timeout=60, **kw):
    """Runs a command to completion (bounded); returns (rc, stdout, stderr)."""
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, **kw)
    return p.returncode, p.stdout, p.stderr


class Proc:
    """A background process with its stdout+stderr lines collected as they come."""

    def __init__(self, cmd, log_path=None, env=None, name=None):
        self.name = name or os.path.basename(cmd[0])
        self.cmd = cmd
        self.lines = []
        self._cv = threading.Condition()
        self._log = open(log_path, "w") if log_path else None
        self.p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                  env=env, start_new_session=True)
        self.pid = self.p.pid
        _live.append(self)
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.p.stdout:
            with self._cv:
                self.lines.append(line.rstrip("\n"))
                if self._log:
                    self._log.write(line)
                    self._log.flush()
                self._cv.notify_all()
        with self._cv:
            self._cv.notify_all()

    def wait_line(self, pattern, timeout, start=0):
        """Returns the first re.Match of pattern in lines[start:] within timeout s, or None."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        with self._cv:
            while True:
                for line in self.lines[start:]:
                    m = rx.search(line)
                    if m:
                        return m
                left = deadline - time.monotonic()
                if left <= 0 or (self.p.poll() is not None and not self._reader.is_alive()):
                    return None
                self._cv.wait(min(left, 0.2))

    def json_lines(self):
        out = []
        with self._cv:
            for line in self.lines:
                if line.startswith("{"):
                    try:
                        out.append(json.loads(line))
                    except ValueError:
                        pass
        return out

    def text(self):
        with self._cv:
            return "\n".join(self.lines)

    def wait(self, timeout):
        """Waits for exit (bounded); returns the exit code or None if still running."""
        try:
            rc = self.p.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            return None
        self._reader.join(timeout=5)
        return rc

    def stop(self, sig=signal.SIGTERM, timeout=10):
        """Signals our process by its PID, escalating to SIGKILL; returns its exit code."""
        if self in _live:
            _live.remove(self)
        if self.p.poll() is None:
            try:
                os.kill(self.pid, sig)
            except ProcessLookupError:
                pass
            if self.wait(timeout) is None:
                os.kill(self.pid, signal.SIGKILL)
                self.wait(timeout)
        self._reader.join(timeout=5)
        if not self._reader.is_alive() and self.p.stdout:
            self.p.stdout.close()
        if self._log:
            self._log.close()
            self._log = None
        return self.p.returncode


def free_udp_port(host="127.0.0.1"):
    """A UDP port free on host and on the IPv6 wildcard (ztk-node binds both families)."""
    for _ in range(50):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as u:
            u.bind((host, 0))
            port = u.getsockname()[1]
            try:
                with socket.socket(socket.AF_INET6, socket.SOCK_DGRAM) as v6:
                    v6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                    v6.bind(("::", port))
                return port
            except OSError:
                continue
    raise RuntimeError("no free UDP port")


def make_identity(directory, name):
    """Generates an identity with ztk-idtool; returns (secret, public) strings."""
    secret_path = os.path.join(directory, name + ".secret")
    public_path = os.path.join(directory, name + ".public")
    rc, out, err = run([tool("idtool"), "generate", secret_path, public_path], timeout=120)
    if rc:
        raise RuntimeError("ztk-idtool generate: " + err)
    with open(secret_path) as f:
        secret = f.read().strip()
    with open(public_path) as f:
        public = f.read().strip()
    return secret, public


def make_planet(directory, roots, planet_id="dec0de77", signing_key=None, name="planet"):
    """Builds a planet with ztk-idtool mkplanet. roots: [(identity public, ["ip/port", ...])].
    Returns the planet file's path."""
    if signing_key is None:
        signing_key, _ = make_identity(directory, name + "-signing")
    doc = {"id": planet_id, "roots": [{"identity": i, "stableEndpoints": list(e)} for i, e in roots],
           "signingKey": signing_key}
    doc_path = os.path.join(directory, name + ".json")
    with open(doc_path, "w") as f:
        json.dump(doc, f, indent=1)
    out_path = os.path.join(directory, name)
    rc, out, err = run([tool("idtool"), "mkplanet", doc_path, out_path])
    if rc:
        raise RuntimeError("ztk-idtool mkplanet: " + out + err)
    return out_path


def home_with_identity(directory, secret):
    """Creates a home directory holding identity.secret; returns its path."""
    os.makedirs(directory, exist_ok=True)
    path = os.path.join(directory, "identity.secret")
    with open(path, "w") as f:
        f.write(secret)
    os.chmod(path, 0o600)
    return directory


# ---- network namespaces ----

def can_use_netns():
    """(True, "") if this process may create network namespaces, else (False, reason)."""
    if os.geteuid() != 0:
        return False, "needs root to create network namespaces"
    probe = "ztkprobe%d" % os.getpid()
    rc, _, err = run(["ip", "netns", "add", probe], timeout=20)
    if rc:
        return False, "ip netns add failed: " + err.strip()
    run(["ip", "netns", "del", probe], timeout=20)
    return True, ""


class Lab:
    """Namespaces <prefix>hub and <prefix>n1..nN; node k has 10.250.k.2/24 behind hub 10.250.k.1.
    Use as a context manager; close() removes the namespaces and everything in them."""

    def __init__(self, prefix=None):
        self.prefix = prefix or "ztk%d" % (os.getpid() % 100000)
        self.hub = self.prefix + "hub"
        self.nodes = {}
        self.procs = []
        self._created = []

    def __enter__(self):
        self._ip("netns", "add", self.hub)
        self._created.append(self.hub)
        self.ns_run(self.hub, ["ip", "link", "set", "lo", "up"])
        self.ns_run(self.hub, ["sysctl", "-qw", "net.ipv4.ip_forward=1"])
        return self

    def __exit__(self, *exc):
        self.close()
        return False

    def _ip(self, *args):
        rc, out, err = run(["ip", *args], timeout=20)
        if rc:
            raise RuntimeError("ip %s: %s" % (" ".join(args), err.strip()))
        return out

    def ns_run(self, ns, cmd, timeout=60, check=True):
        rc, out, err = run(["ip", "netns", "exec", ns, *cmd], timeout=timeout)
        if check and rc:
            raise RuntimeError("%s: %s failed: %s" % (ns, " ".join(cmd), err.strip()))
        return rc, out, err

    def add_node(self, k):
        """Namespace for node k (1..250) wired to the hub; returns (namespace, ip)."""
        ns = "%sn%d" % (self.prefix, k)
        self._ip("netns", "add", ns)
        self._created.append(ns)
        a, b = "%sa%d" % (self.prefix[-6:], k), "%sb%d" % (self.prefix[-6:], k)
        self._ip("link", "add", a, "netns", self.hub, "type", "veth", "peer", "name", b, "netns", ns)
        hub_ip, ip = "10.250.%d.1" % k, "10.250.%d.2" % k
        self.ns_run(self.hub, ["ip", "addr", "add", hub_ip + "/24", "dev", a])
        self.ns_run(self.hub, ["ip", "link", "set", a, "up"])
        self.ns_run(ns, ["ip", "link", "set", "lo", "up"])
        self.ns_run(ns, ["ip", "addr", "add", ip + "/24", "dev", b])
        self.ns_run(ns, ["ip", "link", "set", b, "up"])
        self.ns_run(ns, ["ip", "route", "add", "default", "via", hub_ip])
        self.nodes[k] = (ns, ip)
        return ns, ip

    def spawn(self, ns, cmd, log_path=None, name=None):
        """Starts cmd inside namespace ns in the background; returns its Proc."""
        p = Proc(["ip", "netns", "exec", ns, *cmd], log_path=log_path, name=name or cmd[0])
        self.procs.append(p)
        return p

    def close(self):
        for p in self.procs:
            p.stop()
        self.procs = []
        for ns in reversed(self._created):
            # anything still running inside was started by us: end it by PID
            rc, out, _ = run(["ip", "netns", "pids", ns], timeout=20)
            for pid in out.split():
                try:
                    os.kill(int(pid), signal.SIGKILL)
                except (ProcessLookupError, ValueError):
                    pass
            run(["ip", "netns", "del", ns], timeout=20)
        self._created = []


# ---- inside a namespace: HTTP to a local API, ICMP echo ----

_HTTP_SCRIPT = r"""
import http.client, json, sys
port, token_file, method, path, body = int(sys.argv[1]), sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5]
token = open(token_file).read().strip()
c = http.client.HTTPConnection("127.0.0.1", port, timeout=20)
c.request(method, path, body=body or None, headers={"X-ZT1-Auth": token})
r = c.getresponse()
print(json.dumps({"status": r.status, "body": r.read().decode()}))
"""

# Echo requests from the namespace's own kernel stack (raw ICMP sockets), so the packets take
# the kernel's routes and neighbour discovery, like ping(8): prints "<replies> <rtt ms>...".
_PING_SCRIPT = r"""
import os, select, socket, struct, sys, time
addr, count, wait = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
v6 = ":" in addr
def csum(b):
    b += b"\0" * (len(b) % 2)
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    s = (s >> 16) + (s & 0xffff)
    s += s >> 16
    return ~s & 0xffff
s = socket.socket(socket.AF_INET6 if v6 else socket.AF_INET, socket.SOCK_RAW,
                  socket.IPPROTO_ICMPV6 if v6 else socket.IPPROTO_ICMP)
ident, got, rtts = os.getpid() & 0xffff, 0, []
for seq in range(1, count + 1):
    payload = b"ztkit-ping-%04d" % seq + bytes(40)
    head = struct.pack("!BBHHH", 128 if v6 else 8, 0, 0, ident, seq)
    if not v6:
        head = struct.pack("!BBHHH", 8, 0, csum(head + payload), ident, seq)
    sent = time.monotonic()
    s.sendto(head + payload, (addr, 0))
    while time.monotonic() - sent < wait:
        r, _, _ = select.select([s], [], [], wait - (time.monotonic() - sent))
        if not r:
            break
        data, src = s.recvfrom(2048)
        if not v6:
            data = data[(data[0] & 15) * 4:]
        if len(data) >= 8 and data[0] == (129 if v6 else 0) and struct.unpack("!HH", data[4:8]) == (ident, seq) \
                and data[8:] == payload:
            got += 1
            rtts.append("%.2f" % ((time.monotonic() - sent) * 1000))
            break
    time.sleep(0.2)
print(got, " ".join(rtts))
"""


def _lab_http(self, ns, port, token_file, method, path, body=None):
    """A request to the local API on 127.0.0.1:port inside namespace ns, with the token read
    from token_file; returns (status, parsed JSON body or the text)."""
    rc, out, err = self.ns_run(ns, [sys.executable, "-c", _HTTP_SCRIPT, str(port), token_file, method, path,
                                    json.dumps(body) if body is not None else ""], timeout=60, check=False)
    if rc:
        raise RuntimeError("%s: %s %s: %s" % (ns, method, path, err.strip() or out))
    doc = json.loads(out)
    try:
        return doc["status"], json.loads(doc["body"])
    except ValueError:
        return doc["status"], doc["body"]


def _lab_ping(self, ns, addr, count=3, wait=2.0):
    """ICMP echo from namespace ns to addr; returns (replies, [rtt ms strings])."""
    rc, out, err = self.ns_run(ns, [sys.executable, "-c", _PING_SCRIPT, addr, str(count), str(wait)],
                               timeout=count * (wait + 1) + 30, check=False)
    if rc:
        return 0, [err.strip()]
    fields = out.split()
    return int(fields[0]), fields[1:]


Lab.http = _lab_http
Lab.ping = _lab_ping


# ---- real zerotier-one nodes ----

def zt_home(base, name, planet, identity=None, port=9993):
    """A zerotier-one home: our planet, an optional identity (secret, public), and a local.conf
    for a quiet lab (no secondary port, no port mapping, no TCP relay, no updates)."""
    import shutil
    home = os.path.join(base, name)
    os.makedirs(home)
    shutil.copy(planet, os.path.join(home, "planet"))
    if identity:
        secret, public = identity
        home_with_identity(home, secret)
        with open(os.path.join(home, "identity.public"), "w") as f:
            f.write(public)
    settings = {"primaryPort": port, "allowSecondaryPort": False, "portMappingEnabled": False,
                "allowTcpFallbackRelay": False, "softwareUpdate": "disable"}
    with open(os.path.join(home, "local.conf"), "w") as f:
        json.dump({"settings": settings}, f)
    return home


def zt_cli(lab, zt1, ns, home, *args, port=9993):
    """zerotier-cli (zerotier-one -q) inside a namespace; returns (rc, stdout + stderr)."""
    rc, out, err = lab.ns_run(ns, [zt1, "-q", "-D" + home, "-p%d" % port, *args], timeout=30, check=False)
    return rc, out + err


def wait_zt_online(lab, zt1, ns, home, proc, timeout=60, port=9993):
    """Waits until `zerotier-cli info` says ONLINE; returns the node's address or None."""
    deadline = time.monotonic() + timeout
    out = ""
    while time.monotonic() < deadline and proc.p.poll() is None:
        rc, out = zt_cli(lab, zt1, ns, home, "info", port=port)
        if rc == 0 and " ONLINE" in out:
            return out.split()[2]
        time.sleep(0.5)
    print(out + proc.text())
    return None
