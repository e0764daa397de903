"""Live sockets interop: ztk-node's TCP over ZeroTier against the real ZeroTierOne 1.14.1's
kernel taps.

In private network namespaces (ztnet.Lab, as vl2_interop.py):
  n1  10.250.1.2  real zerotier-one: the only root of a custom planet and the controller of A
  n2  10.250.2.2  our `ztk-node call` / `ztk-node listen` (our own TCP/IP stack, --net A)
  n3  10.250.3.2  a real zerotier-one member with a kernel tap on A

(1) HTTP GET from our node to a Python http.server bound to the real member's tap address:
    the body is byte-exact (1 MiB of random bytes).
(2) TCP from the real member's kernel to `ztk-node listen --once` on our node: 1 MiB sent,
    echoed back byte-exact, and our listener's line shows the same SHA-256.

Needs ZEROTIER_ONE=/path/to/zerotier-one and root; exits 77 (skipped) otherwise. Namespaces
and processes are removed in all cases; every wait is bounded."""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import vl2_interop as v  # noqa: E402
import ztnet  # noqa: E402

PORT = v.PORT
KERNEL_CLIENT = r"""
import hashlib, socket, sys
data = open(sys.argv[3], "rb").read()
s = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=60)
s.sendall(data)
s.shutdown(socket.SHUT_WR)
back = b""
while True:
    chunk = s.recv(65536)
    if not chunk:
        break
    back += chunk
print("echoed", len(back), hashlib.sha256(back).hexdigest(), back == data)
"""


class SocketsScenario(v.Scenario):
    def run(self):
        lab, tmp = self.lab, self.tmp
        root_id = ztnet.make_identity(tmp, "root")
        self.planet = ztnet.make_planet(tmp, [(root_id[1], ["10.250.1.2/%d" % PORT])], planet_id="dec0de23")
        ns1, _, home1, self.real_ctl, addr1 = self.start_real(1, "root", root_id)
        if not v.check(addr1 == root_id[1][:10], "real zerotier-one root (and controller of A) is up"):
            return
        token1 = os.path.join(home1, "authtoken.secret")
        status, net = lab.http(ns1, PORT, token1, "POST", "/controller/network/%s______" % addr1,
                               v.network_body("sockets-net", "10.146.1"))
        if not v.check(status == 200 and "id" in net, "network A created on the real controller"):
            return
        self.nwid = net["id"]
        secret, public = ztnet.make_identity(tmp, "ours")
        self.home2 = ztnet.home_with_identity(os.path.join(tmp, "ours"), secret)
        shutil.copy(self.planet, os.path.join(self.home2, "planet"))
        self.ns2, _ = lab.add_node(2)
        self.ns3, _, self.home3, self.real_member, addr3 = self.start_real(3, "real-member")
        rc, out = self.zt_cli(self.ns3, self.home3, "join", self.nwid)
        v.check(rc == 0, "real member joins A", out)
        for who in (public[:10], addr3):
            status, doc = lab.http(ns1, PORT, token1, "POST", "/controller/network/%s/member/%s"
                                   % (self.nwid, who), {"authorized": True})
            v.check(status == 200 and doc.get("authorized") is True, "authorized %s" % who)
        real = v.wait_for(lambda: (lambda n: n if n and n.get("status") == "OK" and n.get("assignedAddresses")
                                   else None)(self.real_network(self.ns3, self.home3, self.nwid)))
        if not v.check(real is not None, "the real member is OK on A"):
            return
        self.real_v4 = v.split_addresses(real["assignedAddresses"])[0][0]
        dev = real["portDeviceName"]
        v.check(v.wait_for(lambda: self.real_v4 in lab.ns_run(self.ns3, ["ip", "-o", "addr", "show", "dev", dev],
                                                               check=False)[1], 30) is not None,
                "the real member's %s is on its tap %s" % (self.real_v4, dev))
        self.http_get()
        self.kernel_to_listen()

    def ours(self, *args, stdin=b"", timeout=180):
        p = subprocess.run(["ip", "netns", "exec", self.ns2, v.NODE, "--home", self.home2, "--port", str(PORT),
                            "--json", *args, "--net", self.nwid], input=stdin, capture_output=True,
                           timeout=timeout)
        return p.returncode, p.stdout, p.stderr.decode(errors="replace")

    def http_get(self):
        www = os.path.join(self.tmp, "www")
        os.makedirs(www)
        blob = os.urandom(1 << 20)
        with open(os.path.join(www, "blob"), "wb") as f:
            f.write(blob)
        server = self.lab.spawn(self.ns3, [sys.executable, "-m", "http.server", "8080", "--bind", self.real_v4,
                                           "--directory", www], os.path.join(self.tmp, "http.log"), "http.server")
        v.wait_for(lambda: subprocess.run(["ip", "netns", "exec", self.ns3, "ss", "-ltn"], capture_output=True,
                                          text=True).stdout.count(":8080"), 10)
        rc, out, err = self.ours("call", self.real_v4, "8080",
                                 stdin=b"GET /blob HTTP/1.0\r\nHost: %s\r\n\r\n" % self.real_v4.encode())
        head, _, body = out.partition(b"\r\n\r\n")
        v.check(rc == 0 and head.startswith(b"HTTP/1.0 200") and body == blob,
                "(1) HTTP GET from our node to the real member's tap address: 1 MiB byte-exact",
                "rc %d, %d body bytes, head %r, stderr %s" % (rc, len(body), head[:80], err[-1500:]))
        server.stop()

    def kernel_to_listen(self):
        data = os.urandom(1 << 20)
        path = os.path.join(self.tmp, "upload")
        with open(path, "wb") as f:
            f.write(data)
        listen = self.lab.spawn(self.ns2, [v.NODE, "--home", self.home2, "--port", str(PORT), "--json", "listen",
                                           "7000", "--once", "--net", self.nwid],
                                os.path.join(self.tmp, "ours-listen.log"), "ours-listen")
        if not v.check(listen.wait_line(r'"event":"listening"', v.WAIT) is not None, "ztk-node listen is up",
                       listen.text()[-1500:]):
            return
        ready = [e for e in listen.json_lines() if e.get("event") == "ready"][0]
        ours_v4 = v.split_addresses(ready["addresses"])[0][0]
        rc, out, err = self.lab.ns_run(self.ns3, [sys.executable, "-c", KERNEL_CLIENT, ours_v4, "7000", path],
                                       timeout=120, check=False)
        digest = hashlib.sha256(data).hexdigest()
        v.check(rc == 0 and out.split() == ["echoed", str(len(data)), digest, "True"],
                "(2) TCP from the real member's kernel to our listen socket: 1 MiB echoed byte-exact",
                "rc %d: %s %s" % (rc, out, err[-1500:]))
        v.check(listen.wait(30) == 0, "our listener ends after that connection (--once)", listen.text()[-1500:])
        done = [e for e in listen.json_lines() if e.get("event") == "done"]
        v.check(bool(done) and done[0].get("sha256") == digest and done[0].get("received") == len(data),
                "our listener saw the same bytes (SHA-256)", json.dumps(done))


def main():
    if not v.ZT1 or not os.access(v.ZT1, os.X_OK):
        print("skipped: ZEROTIER_ONE is not set to a zerotier-one binary")
        return ztnet.SKIP
    ok, why = ztnet.can_use_netns()
    if not ok or not os.path.exists("/dev/net/tun"):
        print("skipped: " + (why or "no /dev/net/tun"))
        return ztnet.SKIP
    ztnet.interrupt_on_sigterm()
    with tempfile.TemporaryDirectory() as tmp:
        try:
            with ztnet.Lab() as lab:
                SocketsScenario(lab, tmp).run()
        except (RuntimeError, OSError, ValueError, subprocess.TimeoutExpired) as e:
            v.check(False, "harness", str(e))
        except KeyboardInterrupt:
            v.check(False, "interrupted (namespaces and processes were removed)")
        if v.failures:
            for log in ("root.log", "real-member.log", "ours-listen.log", "http.log"):
                p = os.path.join(tmp, log)
                if os.path.exists(p):
                    print("---- %s\n%s" % (log, open(p).read()[-3000:]))
    print(f"{v.failures} failures")
    return 1 if v.failures else 0


if __name__ == "__main__":
    sys.exit(main())
