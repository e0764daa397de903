"""ztk-node's virtual-network commands on loopback: a `root`, a `controller` and two `join`
processes. The network is created and both members authorized through the controller's local
HTTP API (http.client, as curl would); both joins print their managed addresses; `networks` and
`peers` read a running node's API; a USER_MESSAGE and ECHOs reach the joined nodes (pinging
their managed addresses needs a TCP/IP stack: that is left to the live interop); SIGTERM makes
a join leave cleanly; errors have clear messages and exit codes. With ZEROTIER_ONE set, the real
zerotier-cli (info, listnetworks, listpeers, join, leave) runs against a joined node's API.
Every process is started here, waited for with a bound and stopped by its PID."""
import http.client
import ipaddress
import json
import os
import socket
import sys
import tempfile
import time
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "interop"))
import ztnet  # noqa: E402

NODE = ztnet.tool("node")
ZT1 = os.environ.get("ZEROTIER_ONE")
POOL = ("10.88.0.10", "10.88.0.90")
WAIT = 40


def api(port, token, method, path, body=None):
    """One request to a node's local API; returns (status, parsed JSON)."""
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    headers = {"X-ZT1-Auth": token} if token else {}
    c.request(method, path, body=json.dumps(body) if body is not None else None, headers=headers)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, json.loads(data) if data else None


def json_event(proc, event, timeout, **match):
    """Waits (at most timeout s in all) for a JSON line with "event": event and the given
    fields; returns it or None. Lines of that event with other fields are passed over."""
    pattern = '"event":"%s"' % event
    deadline = time.monotonic() + timeout
    start = 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0 or not proc.wait_line(pattern, left, start):
            return None
        lines = list(proc.lines)
        for i in range(start, len(lines)):
            if pattern in lines[i]:
                doc = json.loads(lines[i])
                if all(doc.get(k) == v for k, v in match.items()):
                    return doc
        start = len(lines)


class NodeVl2Test(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        d = cls.tmp.name
        secret, public = ztnet.make_identity(d, "root")
        cls.root_port = ztnet.free_udp_port()
        cls.planet = ztnet.make_planet(d, [(public, ["127.0.0.1/%d" % cls.root_port])], planet_id="dec0de62")
        cls.procs = []
        try:
            cls._start_all(d, secret)
        except Exception:
            cls.tearDownClass()
            raise

    @classmethod
    def _spawn(cls, name, *args):
        home = os.path.join(cls.tmp.name, name)
        p = ztnet.Proc([NODE, "--home", home, "--planet", cls.planet, "--allow-loopback", "--json", *args],
                       name=name)
        cls.procs.append(p)
        return p, home

    @classmethod
    def _start_all(cls, d, root_secret):
        ztnet.home_with_identity(os.path.join(d, "root"), root_secret)
        cls.root, _ = cls._spawn("root", "--port", str(cls.root_port), "root")
        if not json_event(cls.root, "start", 30):
            raise RuntimeError("root did not start: " + cls.root.text())
        cls.ctl, cls.ctl_home = cls._spawn("ctl", "--port", "0", "controller")
        start = json_event(cls.ctl, "start", 30)
        if not start:
            raise RuntimeError("controller did not start: " + cls.ctl.text())
        cls.ctl_addr, cls.ctl_port = start["address"], start["apiPort"]
        with open(os.path.join(cls.ctl_home, "authtoken.secret")) as f:
            cls.token = f.read().strip()
        status, net = api(cls.ctl_port, cls.token, "POST", "/controller/network/%s______" % cls.ctl_addr, {
            "name": "clinet", "private": True, "v4AssignMode": {"zt": True},
            "v6AssignMode": {"rfc4193": True, "6plane": False, "zt": False},
            "ipAssignmentPools": [{"ipRangeStart": POOL[0], "ipRangeEnd": POOL[1]}],
            "routes": [{"target": "10.88.0.0/24", "via": None}]})
        if status != 200:
            raise RuntimeError("network creation: %d %s" % (status, net))
        cls.nwid = net["id"]
        cls.members = []
        for name in ("j1", "j2"):
            p, home = cls._spawn(name, "--port", "0", "join", cls.nwid)
            start = json_event(p, "start", 30)
            if not start:
                raise RuntimeError(name + " did not start: " + p.text())
            cls.members.append({"proc": p, "home": home, "address": start["address"], "api": start["apiPort"]})
        for m in cls.members:
            if not json_event(m["proc"], "network", WAIT, status="ACCESS_DENIED"):
                raise RuntimeError("no ACCESS_DENIED: " + m["proc"].text())
            status, doc = api(cls.ctl_port, cls.token, "POST", "/controller/network/%s/member/%s"
                              % (cls.nwid, m["address"]), {"authorized": True})
            if status != 200 or not doc.get("authorized"):
                raise RuntimeError("authorization: %d %s" % (status, doc))
        for m in cls.members:
            m["ready"] = json_event(m["proc"], "ready", WAIT, nwid=cls.nwid)
            if not m["ready"]:
                raise RuntimeError("no addresses: " + m["proc"].text())

    @classmethod
    def tearDownClass(cls):
        for p in reversed(cls.procs):
            p.stop()
        cls.tmp.cleanup()

    def node(self, home, *args, timeout=60):
        return ztnet.run([NODE, "--home", home, *args], timeout=timeout)

    def fresh_home(self, name):
        return os.path.join(self.tmp.name, "%s-%s" % (self._testMethodName, name))

    # ---- the joined members ----

    def test_members_got_their_addresses(self):
        seen = set()
        for m in self.members:
            addrs = m["ready"]["addresses"]
            v4 = [a for a in addrs if "." in a]
            v6 = [a for a in addrs if ":" in a]
            self.assertEqual(len(v4), 1, addrs)
            ip = ipaddress.ip_address(v4[0].split("/")[0])
            self.assertTrue(ipaddress.ip_address(POOL[0]) <= ip <= ipaddress.ip_address(POOL[1]), addrs)
            self.assertTrue(v4[0].endswith("/24"))
            # rfc4193: fd + the network id + 99:93 + the member's address, /88
            self.assertEqual(len(v6), 1, addrs)
            self.assertTrue(v6[0].endswith("/88"))
            v6ip = ipaddress.ip_address(v6[0].split("/")[0])
            self.assertEqual(v6ip.packed[0], 0xfd)
            self.assertEqual(v6ip.packed[1:9].hex(), self.nwid)
            self.assertEqual(v6ip.packed[11:16].hex(), m["address"])
            self.assertEqual(m["ready"]["name"], "clinet")
            seen.add(ip)
            lines = m["proc"].json_lines()
            self.assertTrue(any(e.get("event") == "route-added" and e.get("target") == "10.88.0.0/24"
                                and e.get("via") is None for e in lines), m["proc"].text())
            self.assertTrue(any(e.get("event") == "address-added" and e.get("address") == v4[0] for e in lines))
        self.assertEqual(len(seen), 2)

    def test_networks_command(self):
        m = self.members[0]
        rc, out, err = self.node(m["home"], "networks")
        self.assertEqual(rc, 0, out + err)
        fields = out.split()
        self.assertEqual(fields[:2], [self.nwid, "clinet"])
        self.assertEqual(fields[3:5], ["OK", "PRIVATE"])
        v4 = [a for a in m["ready"]["addresses"] if "." in a][0]
        self.assertIn(v4, fields[5].split(","))
        rc, out, err = self.node(m["home"], "--json", "networks")
        self.assertEqual(rc, 0, out + err)
        docs = [json.loads(line) for line in out.splitlines()]
        self.assertEqual(len(docs), 1)
        doc = docs[0]
        self.assertEqual(doc["nwid"], self.nwid)
        self.assertEqual(doc["status"], "OK")
        self.assertEqual(doc["type"], "PRIVATE")
        self.assertTrue(doc["allowManaged"])
        self.assertEqual(doc["routes"][0]["target"], "10.88.0.0/24")
        self.assertEqual(sorted(doc["assignedAddresses"]), sorted(m["ready"]["addresses"]))

    def test_peers_command(self):
        m = self.members[1]
        rc, out, err = self.node(m["home"], "--json", "peers")
        self.assertEqual(rc, 0, out + err)
        peers = {p["address"]: p for p in map(json.loads, out.splitlines())}
        self.assertIn(self.ctl_addr, peers)  # its controller
        roots = [p for p in peers.values() if p["role"] == "PLANET"]
        self.assertEqual(len(roots), 1)
        self.assertEqual(roots[0]["paths"][0]["address"], "127.0.0.1/%d" % self.root_port)
        rc, out, err = self.node(m["home"], "peers")
        self.assertEqual(rc, 0, out + err)
        self.assertRegex(out, r"(?m)^[0-9a-f]{10} PLANET 1\.14\.1 127\.0\.0\.1/%d latency -?\d+ ms$" % self.root_port)

    def test_controller_api_lists_authorized_members(self):
        status, members = api(self.ctl_port, self.token, "GET", "/controller/network/%s/member" % self.nwid)
        self.assertEqual(status, 200)
        for m in self.members:
            self.assertIn(m["address"], members)
            status, doc = api(self.ctl_port, self.token, "GET",
                              "/controller/network/%s/member/%s" % (self.nwid, m["address"]))
            self.assertTrue(doc["authorized"])
            self.assertEqual(sorted(doc["ipAssignments"]),
                             sorted(a.split("/")[0] for a in m["ready"]["addresses"] if "." in a))
        status, doc = api(self.ctl_port, None, "GET", "/controller/network")
        self.assertEqual((status, doc), (401, {}))
        status, doc = api(self.ctl_port, "wrong", "GET", "/status")
        self.assertEqual(status, 401)
        status, doc = api(self.ctl_port, self.token, "POST", "/controller/network/%s" % self.nwid, None)
        self.assertEqual(status, 200)  # an empty body is {}
        c = http.client.HTTPConnection("127.0.0.1", self.ctl_port, timeout=10)
        c.request("POST", "/controller/network/%s" % self.nwid, body="{oops", headers={"X-ZT1-Auth": self.token})
        r = c.getresponse()
        self.assertEqual(r.status, 400)
        self.assertIn("malformed JSON", json.loads(r.read())["description"])
        c.close()
        # the member's own API serves no controller
        status, _ = api(self.members[0]["api"], self._token_of(self.members[0]), "GET", "/controller")
        self.assertEqual(status, 404)

    def _token_of(self, m):
        with open(os.path.join(m["home"], "authtoken.secret")) as f:
            return f.read().strip()

    def test_message_and_echo_reach_joined_nodes(self):
        """The VL1 paths of a joined node: a USER_MESSAGE is printed by its join process; ECHOs
        are answered."""
        j1, j2 = self.members
        mark = len(j1["proc"].lines)
        home = self.fresh_home("sender")
        rc, out, err = self.node(home, "--port", "0", "--planet", self.planet, "--allow-loopback", "--json",
                                 "msg", j1["address"], "0x10000001", "hello member")
        self.assertEqual(rc, 0, out + err)
        m = j1["proc"].wait_line(r'"event":"message"', 20, mark)
        self.assertIsNotNone(m, j1["proc"].text())
        doc = [e for e in j1["proc"].json_lines() if e.get("event") == "message"][-1]
        self.assertEqual(doc["text"], "hello member")
        self.assertEqual(doc["type"], 0x10000001)
        rc, out, err = self.node(self.fresh_home("echoer"), "--port", "0", "--planet", self.planet,
                                 "--allow-loopback", "echo", j2["address"], "-c", "2", "-i", "300")
        self.assertEqual(rc, 0, out + err)
        self.assertRegex(out, r"reply from %s" % j2["address"])

    def test_zerotier_cli_against_a_joined_node(self):
        if not ZT1:
            self.skipTest("ZEROTIER_ONE not set")
        m = self.members[0]

        def cli(*args):
            return ztnet.run([ZT1, "-q", "-D" + m["home"], *args], timeout=60)

        rc, out, err = cli("info")
        self.assertEqual((rc, out.strip()), (0, "200 info %s 1.14.1 ONLINE" % m["address"]), err)
        rc, out, err = cli("listnetworks")
        self.assertEqual(rc, 0, err)
        line = [x for x in out.splitlines() if x.startswith("200 listnetworks " + self.nwid)]
        self.assertEqual(len(line), 1, out)
        v4 = [a for a in m["ready"]["addresses"] if "." in a][0]
        self.assertIn(" clinet ", line[0])
        self.assertIn(" OK PRIVATE ", line[0])
        self.assertIn(v4, line[0].split()[-1].split(","))
        rc, out, err = cli("listpeers")
        self.assertEqual(rc, 0, err)
        self.assertRegex(out, r"200 listpeers [0-9a-f]{10} 127\.0\.0\.1/%d;-?\d+;-?\d+ -?\d+ 1\.14\.1 PLANET"
                         % self.root_port)
        self.assertIn("200 listpeers %s " % self.ctl_addr, out)
        other = self.ctl_addr + "00beef"
        rc, out, err = cli("join", other)
        self.assertEqual((rc, out.strip()), (0, "200 join OK"), err)
        rc, out, err = cli("-j", "listnetworks")
        self.assertIn(other, [n["nwid"] for n in json.loads(out)])
        rc, out, err = cli("leave", other)
        self.assertEqual((rc, out.strip()), (0, "200 leave OK"), err)
        rc, out, err = self.node(m["home"], "--json", "networks")
        self.assertEqual([json.loads(x)["nwid"] for x in out.splitlines()], [self.nwid])

    # ---- ending and errors ----

    def test_z_sigterm_leaves_cleanly(self):
        """(sorted after the tests that use the second member: it stops it)"""
        j2 = self.members[1]
        rc = j2["proc"].stop()
        self.assertEqual(rc, 0, j2["proc"].text())
        events = [e.get("event") for e in j2["proc"].json_lines()]
        self.assertEqual(events[-1], "stop")
        tail = j2["proc"].json_lines()[-6:]
        self.assertIn({"event": "network", "nwid": self.nwid, "status": "DOWN"}, tail)
        self.assertTrue(any(e.get("event") == "address-removed" for e in tail))
        self.assertFalse(os.path.exists(os.path.join(j2["home"], "networks.d", self.nwid + ".conf")))
        rc, out, err = self.node(j2["home"], "networks")
        self.assertEqual(rc, 1)
        self.assertIn("nothing listens", err)

    def test_errors(self):
        rc, out, err = self.node(self.fresh_home("nobody"), "networks")
        self.assertEqual(rc, 1)
        self.assertIn("authtoken.secret does not exist", err)
        rc, out, err = self.node(self.fresh_home("bad"), "join", "12345")
        self.assertEqual(rc, 2)
        self.assertIn("not a network id", err)
        rc, out, err = self.node(self.fresh_home("bad"), "join")
        self.assertEqual(rc, 2)
        rc, out, err = self.node(self.fresh_home("bad"), "peers", "extra")
        self.assertEqual(rc, 2)
        # a network the controller does not have: NOT_FOUND, and --timeout gives up
        rc, out, err = self.node(self.fresh_home("lost"), "--port", "0", "--planet", self.planet,
                                 "--allow-loopback", "--json", "join", self.ctl_addr + "0000ff",
                                 "--timeout", "8")
        self.assertEqual(rc, 1, out + err)
        self.assertIn('"status":"NOT_FOUND"', out)
        self.assertIn("no configuration within 8 s", err)
        # the API's TCP port taken: a controller cannot start
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            s.listen(1)
            port = s.getsockname()[1]
            rc, out, err = self.node(self.fresh_home("busy"), "--port", str(port), "--planet", self.planet,
                                     "controller", timeout=30)
        self.assertEqual(rc, 3, out + err)
        self.assertIn("cannot serve the API on 127.0.0.1 TCP port %d" % port, err)


if __name__ == "__main__":
    ztnet.interrupt_on_sigterm()
    unittest.main(verbosity=2)
