"""World, Host, Link and Site: the simulator seen from Python (over include/ztkit/sim.h).

Times are virtual milliseconds since the start of the run. Every fault goes through
World.inject (directly or via the helper methods), which records it in world.fault_log.
"""

import ctypes
import time

from ztkit import _lib as L
from ztkit import net as N
from ztkit.errors import ScenarioFailure, SimError, SimTimeout
from ztkit.faults import LINK_KEYS, Fault, FaultSchedule

NAT_TYPES = {"full-cone": 1, "restricted": 2, "port-restricted": 3, "symmetric": 4}
EVENT_BATCH = 1024


def _check(call, rc, detail=""):
    if rc < 0:
        raise SimError(call, rc, detail)
    return rc


def link_params(params):
    """LinkParams from friendly keys (latency_ms, jitter_ms, loss, dup, reorder, reorder_ms,
    rate_bps, mtu, queue_bytes); None for a perfect link."""
    if not params:
        return None
    p = L.LinkParams()
    for key, value in params.items():
        if key not in LINK_KEYS:
            raise ValueError("unknown link parameter %r (known: %s)" % (key, ", ".join(LINK_KEYS)))
        field, scale = LINK_KEYS[key]
        setattr(p, field, value if scale is None else int(round(value * scale)))
    return p


def _ptr(p):
    return ctypes.byref(p) if p is not None else None


class Event:
    """One drained event: t_ms, host (Host), type (name), peer (hex address), addr, user_type,
    data (bytes)."""

    __slots__ = ("t_ms", "host", "type", "peer", "addr", "user_type", "data", "nwid")

    def __init__(self, world, raw):
        self.t_ms = raw.t_ms
        self.host = world.hosts[raw.host]
        self.nwid = raw.nwid
        self.type = L.lib().ztk_sim_event_name(raw.type).decode()
        self.peer = "%010x" % raw.peer
        self.addr = raw.addr.decode()
        self.user_type = raw.user_type
        self.data = bytes(raw.data[:min(raw.len, L.EVENT_DATA)])

    def __repr__(self):
        return "<%s t=%s %s peer=%s>" % (self.host.name, fmt_ms(self.t_ms), self.type, self.peer)


def fmt_ms(ms):
    return "%d.%03ds" % (ms // 1000, ms % 1000)


class Link:
    def __init__(self, world, index):
        self.world, self.index = world, index

    def counters(self, direction=0):
        c = L.LinkCounters()
        _check("link counters", L.lib().ztk_sim_link_counters_get(self.world._h, self.index,
                                                                  direction, ctypes.byref(c)))
        return c

    def __repr__(self):
        return "<link %d>" % self.index


class Site:
    """A NAT gateway with a LAN behind it; add members with world.add_member(site=...)."""

    def __init__(self, world, index, nat):
        self.world, self.index, self.nat = world, index, nat

    def __repr__(self):
        return "<site %d %s>" % (self.index, self.nat)


class Host:
    """One simulated host running a ZeroTier node: a root, a member or a controller; core-only
    (the node's responder answers ARP/NDP/ping/UDP echo) or with an lwIP stack (stack=True:
    sockets and real pings)."""

    def __init__(self, world, index, name, role):
        self.world, self.index, self.name, self.role = world, index, name, role

    # ---- virtual networks ----
    def join(self, nwid, at=None):
        self.world.inject(Fault("join", self.world._at(at), [self.name], nwid))

    def leave(self, nwid, at=None):
        self.world.inject(Fault("leave", self.world._at(at), [self.name], nwid))

    def networks(self):
        arr = (ctypes.c_uint64 * 64)()
        n = self.world.lib.ztk_sim_networks(self.world._h, self.index, arr, 64)
        return list(arr[:min(n, 64)]) if n > 0 else []

    def network(self, nwid):
        """This host's view of network nwid (net.Network), or None (not joined / not running)."""
        raw = L.NetworkInfo()
        rc = self.world.lib.ztk_sim_network(self.world._h, self.index, nwid, ctypes.byref(raw))
        return N.Network(raw) if rc == 0 else None

    def ips(self, nwid, family=None):
        """Managed IP addresses on nwid (text, no prefix); [] without a config."""
        n = self.network(nwid)
        return n.ips(family) if n else []

    def ip4(self, nwid):
        ips = self.ips(nwid, 4)
        return ips[0] if ips else None

    def ip6(self, nwid):
        ips = self.ips(nwid, 6)
        return ips[0] if ips else None

    def ping(self, ip):
        """Sends one echo request now; returns a net.Ping (answered / rtt_ms later)."""
        pid = _check("ping", self.world.lib.ztk_sim_ping(self.world._h, self.index, ip.encode()),
                     "%s -> %s" % (self.name, ip))
        return N.Ping(self.world, pid, self, ip)

    def multicast(self, nwid, mac, adi=0, on=True):
        _check("multicast", self.world.lib.ztk_sim_multicast(self.world._h, self.index, nwid, mac, adi, on))

    def frame_send(self, nwid, dst_mac, ethertype, data):
        data = bytes(data)
        return _check("frame_send", self.world.lib.ztk_sim_frame_send(
            self.world._h, self.index, nwid, dst_mac, ethertype, data, len(data)), self.name)

    def net_counters(self, nwid):
        c = L.NetCounters()
        rc = self.world.lib.ztk_sim_net_counters_get(self.world._h, self.index, nwid, ctypes.byref(c))
        return c if rc == 0 else L.NetCounters()

    # ---- sockets (stack hosts) ----
    def tcp_listen(self, port, addr="0.0.0.0", mode="manual"):
        sid = _check("tcp_listen", self.world.lib.ztk_sim_tcp_listen(
            self.world._h, self.index, addr.encode(), port, N.MODES[mode]), "%s %s:%d" % (self.name, addr, port))
        return N.Socket(self, sid, "tcp")

    def tcp_connect(self, ip, port, mode="manual"):
        sid = _check("tcp_connect", self.world.lib.ztk_sim_tcp_connect(
            self.world._h, self.index, ip.encode(), port, N.MODES[mode]), "%s -> %s:%d" % (self.name, ip, port))
        return N.Socket(self, sid, "tcp")

    def udp_bind(self, port=0, addr="0.0.0.0", mode="manual"):
        sid = _check("udp_bind", self.world.lib.ztk_sim_udp_bind(
            self.world._h, self.index, addr.encode(), port, N.MODES[mode]), "%s %s:%d" % (self.name, addr, port))
        return N.Socket(self, sid, "udp")

    # ---- status ----
    def info(self):
        i = L.HostInfo()
        _check("host info", L.lib().ztk_sim_host_info_get(self.world._h, self.index, ctypes.byref(i)))
        return i

    @property
    def online(self):
        return self.info().online

    @property
    def running(self):
        return self.info().running

    @property
    def address(self):
        return "%010x" % self.info().address

    @property
    def stack(self):
        return self.info().stack

    @property
    def ip(self):
        return self.info().ip.decode()

    @property
    def link(self):
        return Link(self.world, self.info().link)

    def describe(self):
        i = self.info()
        state = ("online" if i.online else "offline") if i.running else "crashed"
        return "%s (%010x, %s, %d peers)" % (self.name, i.address, state, i.peer_count)

    def peers(self):
        arr = (L.PeerInfo * 256)()
        n = L.lib().ztk_sim_host_peers(self.world._h, self.index, arr, 256)
        if n < 0:
            return []
        return list(arr[:min(n, 256)])

    def peer(self, other):
        """The node's view of another host (PeerInfo) or None."""
        p = L.PeerInfo()
        rc = L.lib().ztk_sim_host_peer(self.world._h, self.index, other.index, ctypes.byref(p))
        return p if rc == 0 else None

    def direct_to(self, other):
        p = self.peer(other)
        return bool(p and p.direct)

    def counters(self):
        n, w = L.NodeCounters(), L.WireCounters()
        _check("host counters", L.lib().ztk_sim_host_counters(self.world._h, self.index,
                                                              ctypes.byref(n), ctypes.byref(w)))
        return n, w

    # ---- traffic ----
    def send(self, other, data=b"", type_id=0x10000):
        data = data.encode() if isinstance(data, str) else bytes(data)
        _check("send_user_message", L.lib().ztk_sim_send_user_message(
            self.world._h, self.index, other.index, type_id, data, len(data)),
            "%s -> %s" % (self.name, other.name))

    def echo(self, other):
        _check("echo", L.lib().ztk_sim_echo(self.world._h, self.index, other.index))

    # ---- faults ----
    def crash(self, at=None):
        self.world.inject(Fault("crash", self.world._at(at), [self.name]))

    def restart(self, at=None, wipe=False):
        self.world.inject(Fault("restart", self.world._at(at), [self.name], wipe))

    def clock_step(self, delta_ms, at=None):
        self.world.inject(Fault("clock", self.world._at(at), [self.name], int(delta_ms)))

    def set_link(self, at=None, **params):
        """New parameters for the host's access link (both directions)."""
        self.world.inject(Fault("link", self.world._at(at), [self.name], params))

    def link_down(self, at=None):
        self.world.inject(Fault("linkdown", self.world._at(at), [self.name]))

    def link_up(self, at=None):
        self.world.inject(Fault("linkup", self.world._at(at), [self.name]))

    # ---- events ----
    def events(self, kind=None):
        self.world.drain()
        return [e for e in self.world.history if e.host is self and (kind is None or e.type == kind)]

    def messages(self, sender=None, type_id=None):
        """USER_MESSAGE events received, optionally only from sender / of one type."""
        addr = sender.address if sender else None
        self.world.drain()
        return [e for e in self.world.inbox.get(self.index, ())
                if (addr is None or e.peer == addr) and (type_id is None or e.user_type == type_id)]

    def __repr__(self):
        return "<host %s>" % self.name


class World:
    """A simulated world from one seed. Use as a context manager or call close()."""

    def __init__(self, seed=1, pool=None, trace_retain_bytes=0, events_max=0,
                 peer_activity_timeout_ms=0, trace_packets=True, node_trace=False,
                 start_spread_ms=0):
        self._h = None
        self.lib = L.lib()
        cfg = L.Config()
        self.lib.ztk_sim_config_init(ctypes.byref(cfg))
        self._pool = (pool or L.default_pool()).encode()
        cfg.seed, cfg.pool_path = seed, self._pool
        cfg.trace_retain_bytes = trace_retain_bytes
        cfg.events_max = events_max
        cfg.peer_activity_timeout_ms = peer_activity_timeout_ms
        cfg.start_spread_ms = start_spread_ms
        cfg.trace_packets, cfg.node_trace = trace_packets, node_trace
        h = ctypes.c_void_p()
        _check("ztk_sim_new", self.lib.ztk_sim_new(ctypes.byref(h), ctypes.byref(cfg)),
               self._pool.decode())
        self._h = h
        self.seed = seed
        self.hosts, self.sites, self.history = [], [], []
        self.inbox = {}  # host index -> USER_MESSAGE events received
        self.by_name = {}
        self.fault_log = FaultSchedule()
        self.events_lost = 0
        self.sampler = None   # a callable(world) run every sample_ms while running
        self.sample_ms = 1000
        self.progress = None  # a callable(world) run at most every few wall seconds
        self._next_sample = 0
        self._ev = (L.Event * EVENT_BATCH)()

    def close(self):
        if getattr(self, "_h", None):
            self.lib.ztk_sim_free(self._h)
            self._h = None

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()

    # ---- underlay ----
    def router(self):
        return _check("router", self.lib.ztk_sim_router(self._h))

    def connect(self, a, b, back=None, **params):
        ab, ba = link_params(params), link_params(back)
        return Link(self, _check("connect", self.lib.ztk_sim_connect(self._h, a, b, _ptr(ab), _ptr(ba))))

    def line(self, n, start=L.CORE, **params):
        """n routers in a chain hanging off `start`; returns their element ids."""
        first = _check("line", self.lib.ztk_sim_line(self._h, start, n, _ptr(link_params(params))))
        return list(range(first, first + n))

    def random_graph(self, n, extra=0, start=L.CORE, **params):
        """n routers in a seeded random connected graph with `extra` more links."""
        first = _check("random", self.lib.ztk_sim_random(self._h, start, n, extra,
                                                         _ptr(link_params(params))))
        return list(range(first, first + n))

    def site(self, nat="full-cone", uplink=L.CORE, mapping_timeout_ms=0, **wan):
        if nat not in NAT_TYPES:
            raise ValueError("unknown NAT type %r (known: %s)" % (nat, ", ".join(NAT_TYPES)))
        i = _check("site", self.lib.ztk_sim_site(self._h, uplink, NAT_TYPES[nat], mapping_timeout_ms,
                                                 _ptr(link_params(wan))))
        s = Site(self, i, nat)
        self.sites.append(s)
        return s

    # ---- hosts ----
    def _add(self, role, name, site=None, attach=L.CORE, access=None, clock_offset_ms=0,
             drift_ppb=0, identity=-1, address_of=-1, inbox=0, controller=False, stack=False,
             responder=None, udp_echo_port=7, networks=()):
        o = L.HostOpts()
        self.lib.ztk_sim_host_opts_init(ctypes.byref(o))
        o.role, o.attach = role, attach
        o.site = site.index if site is not None else L.NONE
        lp = link_params(access)
        o.access = ctypes.pointer(lp) if lp is not None else None
        o.clock_offset_ms, o.clock_drift_ppb = clock_offset_ms, drift_ppb
        o.identity, o.address_of, o.inbox = identity, address_of, inbox
        o.controller, o.stack = controller, stack
        o.responder = L.AUTO if responder is None else int(bool(responder))
        o.udp_echo_port = udp_echo_port
        nets = (ctypes.c_uint64 * max(len(networks), 1))(*networks)
        o.networks, o.network_count = nets, len(networks)
        kind = {L.ROLE_ROOT: ("root", "r"), L.ROLE_CONTROLLER: ("controller", "c")}.get(role, ("member", "h"))
        name = name or "%s%d" % (kind[1], len(self.hosts))
        if name in self.by_name:
            raise ValueError("host name %r is taken" % name)
        detail = name
        if stack:
            detail += " (stack hosts: at most %d (host, network) pairs per process)" % 250
        i = _check("add_host", self.lib.ztk_sim_add_host(self._h, ctypes.byref(o)), detail)
        h = Host(self, i, name, kind[0])
        self.hosts.append(h)
        self.by_name[name] = h
        return h

    def add_root(self, name=None, **kw):
        return self._add(1, name, **kw)

    def add_member(self, name=None, **kw):
        return self._add(0, name, **kw)

    def add_controller(self, name=None, **kw):
        """A member running the embedded network controller."""
        return self._add(L.ROLE_CONTROLLER, name, **kw)

    def controllers(self):
        return [h for h in self.hosts if h.role == "controller"]

    def star(self, n, prefix="m", **kw):
        """n members on the core router (a star around it)."""
        return [self.add_member("%s%d" % (prefix, i), **kw) for i in range(n)]

    def host(self, name):
        try:
            return self.by_name[name]
        except KeyError:
            raise ScenarioFailure("no host named %r (hosts: %s)" % (name, ", ".join(self.by_name))) from None

    def members(self):
        return [h for h in self.hosts if h.role == "member"]

    # ---- the controller ----
    def api(self, ctl, method, path, body=None, ok=(200,)):
        return N.api(self, ctl, method, path, body, ok)

    def create_network(self, ctl, **kw):
        """A network on controller ctl (net.network_body's keywords); returns its id."""
        return N.create_network(self, ctl, **kw)

    def authorize(self, ctl, nwid, *hosts, ips=None):
        for h in hosts:
            body = {"authorized": True}
            if ips is not None:
                body["ipAssignments"] = list(ips)
            N.api(self, ctl, "POST", N.member_path(nwid, h), body)

    def deauthorize(self, ctl, nwid, *hosts):
        for h in hosts:
            N.api(self, ctl, "POST", N.member_path(nwid, h), {"authorized": False})

    def member(self, ctl, nwid, host):
        return N.api(self, ctl, "GET", N.member_path(nwid, host))

    def delete_member(self, ctl, nwid, host):
        return N.api(self, ctl, "DELETE", N.member_path(nwid, host))

    def set_rules(self, ctl, nwid, rules):
        return N.api(self, ctl, "POST", "/controller/network/%016x" % nwid, {"rules": rules})

    def network_doc(self, ctl, nwid):
        return N.api(self, ctl, "GET", "/controller/network/%016x" % nwid)

    # ---- frames between nodes and interfaces ----
    def frame_log(self, max_frames=65536):
        _check("frame_log", self.lib.ztk_sim_frame_log(self._h, max_frames))
        self.frame_history = []

    def frames(self):
        """Every logged frame so far (drained into world.frame_history): Frame structs."""
        hist = getattr(self, "frame_history", [])
        arr, lost = (L.Frame * 1024)(), ctypes.c_uint64()
        while True:
            n = _check("frames", self.lib.ztk_sim_frames(self._h, arr, 1024, ctypes.byref(lost)))
            hist.extend(L.Frame.from_buffer_copy(arr[i]) for i in range(n))
            if n < 1024:
                break
        self.frame_history = hist
        return hist

    def pcap_network(self, path, nwid, host=None):
        _check("pcap_network", self.lib.ztk_sim_pcap_network(
            self._h, str(path).encode(), host.index if host else L.NONE, nwid), str(path))

    def halt(self):
        """Stops every node (no trace), keeps the world readable; gives lwIP back."""
        if self._h:
            self.lib.ztk_sim_halt(self._h)

    def start(self):
        _check("start", self.lib.ztk_sim_start(self._h))

    # ---- time ----
    @property
    def now(self):
        return self.lib.ztk_sim_now_ms(self._h)

    def _at(self, at):
        return self.now if at is None else int(at)

    def events_run(self):
        return self.lib.ztk_sim_events_run(self._h)

    def run_to(self, t_ms):
        """Runs until virtual time t_ms, sampling and reporting progress on the way."""
        last_progress = time.monotonic()
        while self.now < t_ms:
            step = t_ms
            if self.sampler:
                if self.now >= self._next_sample:
                    self.sampler(self)
                    self._next_sample = (self.now // self.sample_ms + 1) * self.sample_ms
                step = min(step, self._next_sample)
            if self.progress:
                step = min(step, self.now + 1000)
            _check("run_until", self.lib.ztk_sim_run_until(self._h, step, 0))
            self.drain()
            if self.progress and time.monotonic() - last_progress > 5:
                self.progress(self)
                last_progress = time.monotonic()
        self.drain()

    def run_for(self, ms):
        self.run_to(self.now + int(ms))

    def run_until(self, predicate, timeout_ms, what=None, step_ms=100, explain=None):
        """Runs in steps of step_ms until predicate() is true; returns the virtual ms it took.
        On timeout raises SimTimeout naming `what` and, if given, explain()'s account."""
        start = self.now
        deadline = start + int(timeout_ms)
        while not predicate():
            if self.now >= deadline:
                detail = explain() if explain else ""
                raise SimTimeout("timed out after %s (virtual; now t=%s) waiting for %s%s" % (
                    fmt_ms(int(timeout_ms)), fmt_ms(self.now), what or getattr(predicate, "__name__", "a condition"),
                    (": " + detail) if detail else ""))
            self.run_to(min(deadline, self.now + step_ms))
        return self.now - start

    # ---- faults ----
    def inject(self, fault):
        """Applies (or schedules) a Fault and records it in fault_log."""
        hosts = [self.host(n) for n in fault.hosts]
        at = fault.at_ms if fault.at_ms > self.now else L.NOW
        lib, h, k = self.lib, self._h, fault.kind
        if k == "crash":
            _check("crash", lib.ztk_sim_crash(h, at, hosts[0].index))
        elif k == "restart":
            _check("restart", lib.ztk_sim_restart(h, at, hosts[0].index, bool(fault.arg)))
        elif k == "clock":
            _check("clock_step", lib.ztk_sim_clock_step(h, at, hosts[0].index, int(fault.arg)))
        elif k == "partition":
            arr = (ctypes.c_uint32 * len(hosts))(*[x.index for x in hosts])
            group = fault.arg or "p%d" % len(self.fault_log)
            _check("partition", lib.ztk_sim_partition(h, at, group.encode(), arr, len(hosts)))
        elif k == "heal":
            _check("heal", lib.ztk_sim_heal(h, at))
        elif k == "link":
            _check("link_set", lib.ztk_sim_link_set(h, at, hosts[0].info().link, -1,
                                                    _ptr(link_params(fault.arg))))
        elif k in ("join", "leave"):
            fn = lib.ztk_sim_join if k == "join" else lib.ztk_sim_leave
            _check(k, fn(h, at, hosts[0].index, fault.arg), "%s %016x" % (hosts[0].name, fault.arg))
        else:
            _check(k, lib.ztk_sim_link_up(h, at, hosts[0].info().link, k == "linkup"))
        self.fault_log.append(fault)
        return fault

    def partition(self, hosts, at=None, group=None):
        return self.inject(Fault("partition", self._at(at), [h.name for h in hosts], group))

    def heal(self, at=None):
        return self.inject(Fault("heal", self._at(at)))

    # ---- events ----
    def drain(self):
        lost = ctypes.c_uint64()
        while True:
            n = self.lib.ztk_sim_events(self._h, self._ev, EVENT_BATCH, ctypes.byref(lost))
            self.events_lost += lost.value
            for i in range(max(n, 0)):
                e = Event(self, self._ev[i])
                self.history.append(e)
                if e.type == "USER_MESSAGE":
                    self.inbox.setdefault(e.host.index, []).append(e)
            if n < EVENT_BATCH:
                return

    def events(self, kind=None):
        self.drain()
        return [e for e in self.history if kind is None or e.type == kind]

    # ---- trace ----
    @property
    def trace_hash(self):
        buf = ctypes.create_string_buffer(65)
        _check("trace_hash", self.lib.ztk_sim_trace_hash(self._h, buf))
        return buf.value.decode()

    @property
    def trace_lines(self):
        return self.lib.ztk_sim_trace_lines(self._h)

    def note(self, text):
        _check("trace_note", self.lib.ztk_sim_trace_note(self._h, text.encode()))

    def trace_to(self, path):
        _check("trace_file", self.lib.ztk_sim_trace_file(self._h, str(path).encode()), str(path))

    def pcap_to(self, path, host=None):
        _check("pcap_file", self.lib.ztk_sim_pcap_file(self._h, str(path).encode(),
                                                      host.index if host else L.NONE), str(path))

    def trace_line(self, i):
        buf = ctypes.create_string_buffer(600)
        rc = self.lib.ztk_sim_trace_line(self._h, i, buf, len(buf))
        return buf.value.decode() if rc >= 0 else None

    def compare_trace(self, other):
        """None if the retained traces agree, else (line number, this line, other's line)."""
        line = ctypes.c_uint64()
        rc = self.lib.ztk_sim_trace_compare(self._h, other._h, ctypes.byref(line))
        if rc == 0:
            return None
        if rc == 1:
            return line.value, self.trace_line(line.value), other.trace_line(line.value)
        return -1, "(traces differ after the retained part)", ""

    def links(self):
        return [Link(self, i) for i in range(self.lib.ztk_sim_links(self._h))]
