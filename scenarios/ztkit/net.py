"""Virtual networks from Python: the embedded controller's API, network status, pings and
sockets (include/ztkit/sim.h, "virtual networks", "ping" and "sockets").

Sockets live on stack hosts (World.add_member(stack=True)); everything they do happens in
virtual time, so a scenario sends, then runs the world, then reads. A socket may also work by
itself: mode "sink" reads everything and checks it against the world's byte pattern, "echo"
sends back what it reads, and Socket.stream(n) sends n pattern bytes.
"""

import ctypes
import ipaddress
import json

from ztkit import _lib as L
from ztkit.errors import ScenarioFailure, SimError

MODES = {"manual": L.SOCK_MANUAL, "sink": L.SOCK_SINK, "echo": L.SOCK_ECHO}
API_BUF = 1 << 16


def _check(call, rc, detail=""):
    if rc < 0:
        raise SimError(call, rc, detail)
    return rc


def nwid_hex(nwid):
    return "%016x" % nwid


class ApiError(ScenarioFailure):
    """The controller API answered with an error status."""


class Network:
    """A host's view of one network (ztk_sim_network_info): status, mac, mtu, revision, name,
    addresses ("10.9.0.12/24"), netifs (lwIP interfaces; 0 for core-only hosts)."""

    def __init__(self, raw):
        self.nwid = raw.nwid
        self.status = L.NETWORK_STATUS.get(raw.status, str(raw.status))
        self.mac, self.mtu, self.revision = raw.mac, raw.mtu, raw.revision
        self.private, self.broadcast = raw.is_private, raw.broadcast
        self.name = raw.name.decode(errors="replace")
        self.addresses = [raw.addrs[i].value.decode() for i in range(raw.addr_count)]
        self.netifs = raw.netifs

    def ips(self, family=None):
        out = [a.split("/")[0] for a in self.addresses]
        if family:
            out = [a for a in out if ipaddress.ip_address(a).version == family]
        return out

    def __repr__(self):
        return "<network %016x %s rev %d %s>" % (self.nwid, self.status, self.revision,
                                                 ", ".join(self.addresses))


class Ping:
    """One echo request; answered / rtt_ms once the reply came (in virtual time)."""

    def __init__(self, world, pid, host, ip):
        self.world, self.id, self.host, self.ip = world, pid, host, ip

    def info(self):
        i = L.PingInfo()
        _check("ping_result", self.world.lib.ztk_sim_ping_result(self.world._h, self.id, ctypes.byref(i)))
        return i

    @property
    def answered(self):
        return self.info().answered

    @property
    def rtt_ms(self):
        i = self.info()
        return i.rtt_us / 1000.0 if i.answered else None

    def __repr__(self):
        return "<ping %s -> %s %s>" % (self.host.name, self.ip,
                                       "%.1f ms" % self.rtt_ms if self.answered else "pending")


class Socket:
    """A socket of a stack host, by id. info() gives its counters (SockInfo)."""

    def __init__(self, host, sid, kind):
        self.host, self.world, self.id, self.kind = host, host.world, sid, kind

    def info(self):
        i = L.SockInfo()
        _check("sock_info", self.world.lib.ztk_sim_sock_info_get(self.world._h, self.id, ctypes.byref(i)))
        return i

    @property
    def connected(self):
        return self.info().connected

    def send(self, data):
        data = data.encode() if isinstance(data, str) else bytes(data)
        n = self.world.lib.ztk_sim_send(self.world._h, self.id, data, len(data))
        return 0 if n == -9 else _check("send", n, self.describe())   # ZTK_EAGAIN: nothing taken

    def recv(self, cap=65536):
        buf = ctypes.create_string_buffer(cap)
        n = self.world.lib.ztk_sim_recv(self.world._h, self.id, buf, cap)
        if n == -9:
            return None   # nothing yet
        return buf.raw[:_check("recv", n, self.describe())]

    def sendto(self, ip, port, data):
        data = data.encode() if isinstance(data, str) else bytes(data)
        return _check("sendto", self.world.lib.ztk_sim_sendto(self.world._h, self.id, ip.encode(), port,
                                                               data, len(data)), "%s -> %s:%d" % (self.describe(), ip, port))

    def recvfrom(self, cap=65536):
        """(data, ip, port) of the oldest datagram, or None."""
        buf, frm, port = ctypes.create_string_buffer(cap), ctypes.create_string_buffer(L.TEXT), ctypes.c_uint16()
        n = self.world.lib.ztk_sim_recvfrom(self.world._h, self.id, buf, cap, frm, ctypes.byref(port))
        if n == -9:
            return None
        return buf.raw[:_check("recvfrom", n)], frm.value.decode(), port.value

    def datagrams(self, limit=4096):
        """Every datagram waiting on a UDP socket now (data only), oldest first."""
        out = []
        while len(out) < limit:
            d = self.recvfrom()
            if not d:
                break
            out.append(d[0])
        return out

    def stream(self, nbytes, close=True):
        """Sends nbytes of the world's pattern, then (close) FIN."""
        _check("tcp_stream", self.world.lib.ztk_sim_tcp_stream(self.world._h, self.id, nbytes, close))

    def accept(self):
        sid = self.world.lib.ztk_sim_tcp_accept(self.world._h, self.id)
        return None if sid == -9 else Socket(self.host, _check("tcp_accept", sid), "tcp")

    def accepted(self):
        """Connections this listener accepted, oldest first."""
        arr = (ctypes.c_int * 256)()
        n = _check("tcp_accepted", self.world.lib.ztk_sim_tcp_accepted(self.world._h, self.id, arr, 256))
        return [Socket(self.host, arr[i], "tcp") for i in range(min(n, 256))]

    def close(self):
        _check("close", self.world.lib.ztk_sim_close(self.world._h, self.id))

    def describe(self):
        i = self.info()
        return "%s socket %d on %s (%s -> %s%s)" % (self.kind, self.id, self.host.name,
                                                   i.local.decode(), i.remote.decode() or "-",
                                                   ", error %s" % L.errname(i.error) if i.error else "")

    def __repr__(self):
        return "<%s>" % self.describe()


# ---- the controller API -------------------------------------------------------------------------

def api(world, ctl, method, path, body=None, ok=(200,)):
    """Calls ctl's controller API; returns the decoded JSON (or None for an empty body). A status
    outside ok raises ApiError with the answer."""
    payload = json.dumps(body).encode() if body is not None else None
    out, full = ctypes.create_string_buffer(API_BUF), ctypes.c_size_t()
    status = world.lib.ztk_sim_api(world._h, ctl.index, method.encode(), path.encode(), payload,
                                   out, API_BUF, ctypes.byref(full))
    if full.value >= API_BUF:
        out = ctypes.create_string_buffer(full.value + 1)
        status = world.lib.ztk_sim_api(world._h, ctl.index, method.encode(), path.encode(), payload,
                                       out, full.value + 1, None)
    _check("api %s %s" % (method, path), status)
    text = out.value.decode()
    if status not in ok:
        raise ApiError("t=%dms: %s %s on %s answered %d: %s" % (world.now, method, path, ctl.name,
                                                               status, text[:300]))
    return json.loads(text) if text else None


def network_body(name="net", private=True, subnet="10.9.0.0/24", pool=None, rfc4193=False,
                 sixplane=False, broadcast=True, multicast_limit=None, rules=None, mtu=None):
    """A controller network document: managed IPv4 from subnet (pool: (first, last), default
    the subnet's .10 to .250 range), optional rfc4193 / 6plane IPv6."""
    body = {"name": name, "private": private, "enableBroadcast": broadcast,
            "v6AssignMode": {"rfc4193": rfc4193, "6plane": sixplane, "zt": False}}
    if subnet:
        net = ipaddress.ip_network(subnet)
        first, last = pool or (str(net.network_address + 10), str(net.broadcast_address - 5))
        body["v4AssignMode"] = {"zt": True}
        body["ipAssignmentPools"] = [{"ipRangeStart": first, "ipRangeEnd": last}]
        body["routes"] = [{"target": subnet, "via": None}]
    if multicast_limit is not None:
        body["multicastLimit"] = multicast_limit
    if rules is not None:
        body["rules"] = rules
    if mtu is not None:
        body["mtu"] = mtu
    return body


def create_network(world, ctl, **kw):
    """Creates a network on controller host ctl (see network_body); returns its id (int)."""
    doc = api(world, ctl, "POST", "/controller/network/%s______" % ctl.address, network_body(**kw))
    return int(doc["id"], 16)


def member_path(nwid, host):
    return "/controller/network/%016x/member/%s" % (nwid, host.address)
