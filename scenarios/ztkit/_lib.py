"""ctypes binding of include/ztkit/sim.h (the simulator's flat C API) in libztkit.so.

The library is found through $ZTKIT_LIB (a path to libztkit.so), else in the build
directories of the repository this package sits in (build/, then build-*/). Structures here
mirror the C ones field for field; keep them in step with include/ztkit/sim.h and
include/ztkit/node.h.
"""

import ctypes
import ctypes.util
import glob
import os

c_i64, c_u64, c_u32, c_int = ctypes.c_int64, ctypes.c_uint64, ctypes.c_uint32, ctypes.c_int
c_double, c_bool, c_char_p, c_size_t = ctypes.c_double, ctypes.c_bool, ctypes.c_char_p, ctypes.c_size_t

NONE = 0xFFFFFFFF  # ZTK_SIM_NONE
CORE = 0           # ZTK_SIM_CORE
NOW = -1           # ZTK_SIM_NOW
EVENT_DATA = 256


class Config(ctypes.Structure):
    _fields_ = [("seed", c_u64), ("pool_path", c_char_p), ("epoch_ms", c_i64),
                ("max_hosts", c_u32), ("events_max", c_u32), ("trace_retain_bytes", c_size_t),
                ("peer_activity_timeout_ms", c_i64), ("start_spread_ms", c_i64),
                ("trace_packets", c_bool),
                ("node_trace", c_bool)]


class LinkParams(ctypes.Structure):
    _fields_ = [("latency_us", c_i64), ("jitter_us", c_i64), ("loss", c_double),
                ("dup", c_double), ("reorder", c_double), ("reorder_us", c_i64),
                ("rate_bps", c_u64), ("queue_bytes", c_u32), ("mtu", c_u32)]


class HostOpts(ctypes.Structure):
    _fields_ = [("role", c_int), ("attach", c_u32), ("site", c_u32),
                ("access", ctypes.POINTER(LinkParams)), ("clock_offset_ms", c_i64),
                ("clock_drift_ppb", c_i64), ("identity", c_i64), ("address_of", c_i64),
                ("inbox", c_u32), ("controller", c_bool), ("stack", c_bool),
                ("responder", c_int), ("udp_echo_port", ctypes.c_uint16),
                ("networks", ctypes.POINTER(c_u64)), ("network_count", c_u32)]


class HostInfo(ctypes.Structure):
    _fields_ = [("role", c_int), ("running", c_bool), ("online", c_bool), ("address", c_u64),
                ("elem", c_u32), ("link", c_u32), ("site", c_u32), ("identity", c_i64),
                ("peer_count", c_int), ("local_ms", c_i64), ("restarts", c_u32),
                ("ip", ctypes.c_char * 56), ("controller", c_bool), ("stack", c_bool),
                ("networks", c_int)]


TEXT = 56          # ZTK_SIM_TEXT
NET_ADDRS = 16     # ZTK_SIM_NET_ADDRS
FRAME_HEAD = 64    # ZTK_SIM_FRAME_HEAD
AUTO = -1          # ZTK_SIM_AUTO
ROLE_MEMBER, ROLE_ROOT, ROLE_CONTROLLER = 0, 1, 2
SOCK_MANUAL, SOCK_SINK, SOCK_ECHO = 0, 1, 2
TCP, UDP = 1, 2
EV_IN, EV_OUT, EV_ERR, EV_HUP, EV_RDHUP = 1, 2, 4, 8, 16
NETWORK_STATUS = {0: "REQUESTING_CONFIGURATION", 1: "OK", 2: "ACCESS_DENIED", 3: "NOT_FOUND",
                  4: "PORT_ERROR", 5: "CLIENT_TOO_OLD", 6: "AUTHENTICATION_REQUIRED"}


class NetworkInfo(ctypes.Structure):
    _fields_ = [("nwid", c_u64), ("status", c_int), ("mac", c_u64), ("mtu", ctypes.c_uint),
                ("revision", c_u64), ("is_private", c_bool), ("broadcast", c_bool),
                ("name", ctypes.c_char * 128), ("addr_count", c_int),
                ("addrs", (ctypes.c_char * TEXT) * NET_ADDRS), ("netifs", c_int)]


class NetCounters(ctypes.Structure):
    _fields_ = [(f, c_u64) for f in ("in_frames", "in_bytes", "in_multicast", "in_broadcast",
                                     "out_frames", "out_bytes", "out_refused", "stack_drops")]


class Frame(ctypes.Structure):
    _fields_ = [("t_ms", c_i64), ("host", c_u32), ("dir", c_int), ("nwid", c_u64),
                ("src_mac", c_u64), ("dst_mac", c_u64), ("ethertype", ctypes.c_uint16),
                ("len", c_u32), ("head", ctypes.c_uint8 * FRAME_HEAD)]


class PingInfo(ctypes.Structure):
    _fields_ = [("host", c_u32), ("to", ctypes.c_char * TEXT), ("sent_ms", c_i64),
                ("answered", c_bool), ("rtt_us", c_i64), ("ttl", ctypes.c_uint8)]


class SockInfo(ctypes.Structure):
    _fields_ = [("host", c_u32), ("type", c_int), ("mode", c_int), ("parent", c_int),
                ("events", ctypes.c_uint), ("connected", c_bool), ("eof", c_bool),
                ("closed", c_bool), ("error", c_int), ("bytes_sent", c_u64),
                ("bytes_received", c_u64), ("datagrams_sent", c_u64),
                ("datagrams_received", c_u64), ("drops", c_u64), ("verified", c_u64),
                ("mismatch", c_bool), ("mismatch_at", c_u64), ("stream_left", c_u64),
                ("connected_ms", c_i64), ("eof_ms", c_i64), ("first_rx_ms", c_i64),
                ("last_rx_ms", c_i64), ("accepted", c_u32), ("local", ctypes.c_char * TEXT),
                ("remote", ctypes.c_char * TEXT)]


class SockaddrStorage(ctypes.Structure):
    _fields_ = [("raw", ctypes.c_uint64 * 16)]  # 128 bytes, 8-aligned like the C type

    def text(self):
        b = bytes(self.raw)
        fam = int.from_bytes(b[0:2], "little")
        port = int.from_bytes(b[2:4], "big")
        if fam == 2:
            return "%d.%d.%d.%d/%d" % (b[4], b[5], b[6], b[7], port)
        if fam == 10:
            import ipaddress
            return "%s/%d" % (ipaddress.IPv6Address(b[8:24]), port)
        return ""


class PathInfo(ctypes.Structure):
    _fields_ = [("addr", SockaddrStorage), ("local_socket", c_i64), ("last_send", c_i64),
                ("last_receive", c_i64), ("latency_ms", c_int), ("alive", c_bool),
                ("preferred", c_bool)]


class PeerInfo(ctypes.Structure):
    _fields_ = [("address", c_u64), ("role", c_int), ("version_proto", c_int),
                ("version_major", c_int), ("version_minor", c_int), ("version_rev", c_int),
                ("latency_ms", c_int), ("direct", c_bool), ("last_receive", c_i64),
                ("path_count", c_int), ("paths", PathInfo * 8)]


NODE_COUNTER_FIELDS = (["rx_datagrams", "rx_bytes", "tx_datagrams", "tx_bytes", "rx_packets"]
                       + ["rx_verb_%d" % i for i in range(32)] + ["tx_verb_%d" % i for i in range(32)]
                       + ["relayed", "drop_malformed", "drop_auth", "drop_replay",
                          "drop_unknown_peer", "drop_rate_limited", "drop_policy",
                          "drop_queue_full", "whois_sent"])


class NodeCounters(ctypes.Structure):
    _fields_ = [(f, c_u64) for f in NODE_COUNTER_FIELDS]


class WireCounters(ctypes.Structure):
    _fields_ = [(f, c_u64) for f in ("sent", "bytes_sent", "received", "bytes_received",
                                     "dropped", "duplicated")]


class LinkCounters(ctypes.Structure):
    _fields_ = [(f, c_u64) for f in ("sent", "delivered", "bytes_sent", "bytes_delivered",
                                     "dropped", "duplicated")] + [
        ("a", c_u32), ("b", c_u32), ("up", c_bool)]


class Event(ctypes.Structure):
    _fields_ = [("t_ms", c_i64), ("host", c_u32), ("type", c_int), ("peer", c_u64),
                ("user_type", c_u64), ("len", c_u32), ("addr", ctypes.c_char * 56),
                ("data", ctypes.c_uint8 * EVENT_DATA), ("nwid", c_u64)]


_P = ctypes.POINTER
_SIGNATURES = {
    "ztk_sim_config_init": (None, [_P(Config)]),
    "ztk_sim_new": (c_int, [_P(ctypes.c_void_p), _P(Config)]),
    "ztk_sim_free": (None, [ctypes.c_void_p]),
    "ztk_sim_router": (c_int, [ctypes.c_void_p]),
    "ztk_sim_connect": (c_int, [ctypes.c_void_p, c_u32, c_u32, _P(LinkParams), _P(LinkParams)]),
    "ztk_sim_line": (c_int, [ctypes.c_void_p, c_u32, c_u32, _P(LinkParams)]),
    "ztk_sim_random": (c_int, [ctypes.c_void_p, c_u32, c_u32, c_u32, _P(LinkParams)]),
    "ztk_sim_site": (c_int, [ctypes.c_void_p, c_u32, c_int, c_i64, _P(LinkParams)]),
    "ztk_sim_host_opts_init": (None, [_P(HostOpts)]),
    "ztk_sim_add_host": (c_int, [ctypes.c_void_p, _P(HostOpts)]),
    "ztk_sim_start": (c_int, [ctypes.c_void_p]),
    "ztk_sim_hosts": (c_u32, [ctypes.c_void_p]),
    "ztk_sim_host_info_get": (c_int, [ctypes.c_void_p, c_u32, _P(HostInfo)]),
    "ztk_sim_host_peers": (c_int, [ctypes.c_void_p, c_u32, _P(PeerInfo), c_int]),
    "ztk_sim_host_peer": (c_int, [ctypes.c_void_p, c_u32, c_u32, _P(PeerInfo)]),
    "ztk_sim_host_counters": (c_int, [ctypes.c_void_p, c_u32, _P(NodeCounters), _P(WireCounters)]),
    "ztk_sim_links": (c_u32, [ctypes.c_void_p]),
    "ztk_sim_link_counters_get": (c_int, [ctypes.c_void_p, c_u32, c_int, _P(LinkCounters)]),
    "ztk_sim_crash": (c_int, [ctypes.c_void_p, c_i64, c_u32]),
    "ztk_sim_restart": (c_int, [ctypes.c_void_p, c_i64, c_u32, c_bool]),
    "ztk_sim_partition": (c_int, [ctypes.c_void_p, c_i64, c_char_p, _P(c_u32), c_u32]),
    "ztk_sim_heal": (c_int, [ctypes.c_void_p, c_i64]),
    "ztk_sim_link_set": (c_int, [ctypes.c_void_p, c_i64, c_u32, c_int, _P(LinkParams)]),
    "ztk_sim_link_up": (c_int, [ctypes.c_void_p, c_i64, c_u32, c_bool]),
    "ztk_sim_clock_step": (c_int, [ctypes.c_void_p, c_i64, c_u32, c_i64]),
    "ztk_sim_run_until": (c_i64, [ctypes.c_void_p, c_i64, c_u64]),
    "ztk_sim_run_for": (c_i64, [ctypes.c_void_p, c_i64]),
    "ztk_sim_now_ms": (c_i64, [ctypes.c_void_p]),
    "ztk_sim_events_run": (c_u64, [ctypes.c_void_p]),
    "ztk_sim_send_user_message": (c_int, [ctypes.c_void_p, c_u32, c_u32, c_u64, ctypes.c_char_p,
                                          c_size_t]),
    "ztk_sim_echo": (c_int, [ctypes.c_void_p, c_u32, c_u32]),
    "ztk_sim_events": (c_int, [ctypes.c_void_p, _P(Event), c_int, _P(c_u64)]),
    "ztk_sim_event_name": (c_char_p, [c_int]),
    "ztk_sim_trace_hash": (c_int, [ctypes.c_void_p, ctypes.c_char_p]),
    "ztk_sim_trace_lines": (c_u64, [ctypes.c_void_p]),
    "ztk_sim_trace_note": (c_int, [ctypes.c_void_p, c_char_p]),
    "ztk_sim_trace_file": (c_int, [ctypes.c_void_p, c_char_p]),
    "ztk_sim_trace_line": (c_int, [ctypes.c_void_p, c_u64, ctypes.c_char_p, c_size_t]),
    "ztk_sim_trace_compare": (c_int, [ctypes.c_void_p, ctypes.c_void_p, _P(c_u64)]),
    "ztk_sim_pcap_file": (c_int, [ctypes.c_void_p, c_char_p, c_u32]),
    "ztk_sim_halt": (c_int, [ctypes.c_void_p]),
    "ztk_sim_join": (c_int, [ctypes.c_void_p, c_i64, c_u32, c_u64]),
    "ztk_sim_leave": (c_int, [ctypes.c_void_p, c_i64, c_u32, c_u64]),
    "ztk_sim_api": (c_int, [ctypes.c_void_p, c_u32, c_char_p, c_char_p, c_char_p,
                            ctypes.c_char_p, c_size_t, _P(c_size_t)]),
    "ztk_sim_networks": (c_int, [ctypes.c_void_p, c_u32, _P(c_u64), c_int]),
    "ztk_sim_network": (c_int, [ctypes.c_void_p, c_u32, c_u64, _P(NetworkInfo)]),
    "ztk_sim_multicast": (c_int, [ctypes.c_void_p, c_u32, c_u64, c_u64, c_u32, c_bool]),
    "ztk_sim_frame_send": (c_int, [ctypes.c_void_p, c_u32, c_u64, c_u64, ctypes.c_uint16,
                                   ctypes.c_char_p, c_size_t]),
    "ztk_sim_net_counters_get": (c_int, [ctypes.c_void_p, c_u32, c_u64, _P(NetCounters)]),
    "ztk_sim_pcap_network": (c_int, [ctypes.c_void_p, c_char_p, c_u32, c_u64]),
    "ztk_sim_frame_log": (c_int, [ctypes.c_void_p, c_u32]),
    "ztk_sim_frames": (c_int, [ctypes.c_void_p, _P(Frame), c_int, _P(c_u64)]),
    "ztk_sim_ping": (c_int, [ctypes.c_void_p, c_u32, c_char_p]),
    "ztk_sim_ping_result": (c_int, [ctypes.c_void_p, c_int, _P(PingInfo)]),
    "ztk_sim_tcp_listen": (c_int, [ctypes.c_void_p, c_u32, c_char_p, ctypes.c_uint16, c_int]),
    "ztk_sim_tcp_connect": (c_int, [ctypes.c_void_p, c_u32, c_char_p, ctypes.c_uint16, c_int]),
    "ztk_sim_tcp_accept": (c_int, [ctypes.c_void_p, c_int]),
    "ztk_sim_tcp_accepted": (c_int, [ctypes.c_void_p, c_int, _P(c_int), c_int]),
    "ztk_sim_tcp_stream": (c_int, [ctypes.c_void_p, c_int, c_u64, c_bool]),
    "ztk_sim_udp_bind": (c_int, [ctypes.c_void_p, c_u32, c_char_p, ctypes.c_uint16, c_int]),
    "ztk_sim_send": (ctypes.c_long, [ctypes.c_void_p, c_int, ctypes.c_char_p, c_size_t]),
    "ztk_sim_recv": (ctypes.c_long, [ctypes.c_void_p, c_int, ctypes.c_char_p, c_size_t]),
    "ztk_sim_sendto": (ctypes.c_long, [ctypes.c_void_p, c_int, c_char_p, ctypes.c_uint16,
                                       ctypes.c_char_p, c_size_t]),
    "ztk_sim_recvfrom": (ctypes.c_long, [ctypes.c_void_p, c_int, ctypes.c_char_p, c_size_t,
                                         ctypes.c_char_p, _P(ctypes.c_uint16)]),
    "ztk_sim_close": (c_int, [ctypes.c_void_p, c_int]),
    "ztk_sim_sock_info_get": (c_int, [ctypes.c_void_p, c_int, _P(SockInfo)]),
    "ztk_strerror": (c_char_p, [c_int]),
    "ztk_errname": (c_char_p, [c_int]),
}


def repo_root():
    """The repository this package belongs to (scenarios/ztkit/ -> ../..)."""
    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def find_library():
    env = os.environ.get("ZTKIT_LIB")
    if env:
        return env
    root = repo_root()
    candidates = [os.path.join(root, "build", "libztkit.so")]
    candidates += sorted(glob.glob(os.path.join(root, "build-*", "libztkit.so")))
    for c in candidates:
        if os.path.exists(c):
            return c
    raise OSError("libztkit.so not found: build the project (cmake --build build) or set "
                  "ZTKIT_LIB to its path")


_lib = None


def lib():
    """The loaded library, with argument and result types declared."""
    global _lib
    if _lib is None:
        # RTLD_LAZY: lwIP's port hooks (sys_now, ztk_lwip_rand) belong to the stack room and
        # are only called by lwIP, so a library built before that room is complete still loads.
        handle = ctypes.CDLL(find_library(), mode=os.RTLD_LAZY)
        for name, (res, args) in _SIGNATURES.items():
            fn = getattr(handle, name)
            fn.restype = res
            fn.argtypes = args
        _lib = handle
    return _lib


def errname(rc):
    return lib().ztk_errname(rc).decode()


def default_pool():
    return os.environ.get("ZTKIT_POOL") or os.path.join(repo_root(), "scenarios", "data",
                                                        "identities.pool")
