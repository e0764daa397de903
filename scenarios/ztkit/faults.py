"""Fault schedules: every injected fault as data, so a run can be printed, replayed and shrunk.

A schedule's text form (for --faults) is a ';'-separated list of faults, each
``kind@time_ms:targets[:argument]``:

    crash@12000:m3                   restart@20000:m3  restart@20000:m3:wipe
    partition@5000:m1+m2[:group]     heal@9000
    link@3000:m2:loss=0.1,latency_ms=50   (the host's access link, both directions)
    linkdown@3000:m2  linkup@4000:m2      clock@1000:m4:-5000   (step in ms)
    join@2000:m1:8056c2e21c000001         leave@9000:m1:8056c2e21c000001   (network id, hex)

Hosts are named as the scenario names them. "none" (or an empty string) is the empty schedule.
"""

LINK_KEYS = {  # text key -> (LinkParams field, scale)
    "latency_ms": ("latency_us", 1000), "jitter_ms": ("jitter_us", 1000), "loss": ("loss", None),
    "dup": ("dup", None), "reorder": ("reorder", None), "reorder_ms": ("reorder_us", 1000),
    "rate_bps": ("rate_bps", 1), "mtu": ("mtu", 1), "queue_bytes": ("queue_bytes", 1),
}

KINDS = ("crash", "restart", "partition", "heal", "link", "linkdown", "linkup", "clock", "join",
         "leave")


class FaultSpecError(ValueError):
    pass


def _num(text):
    try:
        return int(text)
    except ValueError:
        return float(text)


def format_link(params):
    return ",".join("%s=%s" % (k, _fmt(params[k])) for k in sorted(params))


def _fmt(v):
    if isinstance(v, float):
        return repr(round(v, 6))
    return str(v)


def parse_link(text):
    params = {}
    for item in filter(None, text.split(",")):
        key, sep, value = item.partition("=")
        if not sep or key not in LINK_KEYS:
            raise FaultSpecError("bad link parameter %r (known: %s)" % (item, ", ".join(LINK_KEYS)))
        params[key] = _num(value)
    return params


class Fault:
    """One fault: kind, virtual time (ms), target host names and an argument."""

    def __init__(self, kind, at_ms, hosts=(), arg=None):
        if kind not in KINDS:
            raise FaultSpecError("unknown fault kind %r (known: %s)" % (kind, ", ".join(KINDS)))
        self.kind, self.at_ms, self.hosts, self.arg = kind, int(at_ms), tuple(hosts), arg

    def spec(self):
        text = "%s@%d" % (self.kind, self.at_ms)
        if self.hosts:
            text += ":" + "+".join(self.hosts)
        if self.kind == "link":
            text += ":" + format_link(self.arg or {})
        elif self.kind == "restart" and self.arg:
            text += ":wipe"
        elif self.kind == "clock":
            text += ":%d" % self.arg
        elif self.kind == "partition" and self.arg:
            text += ":" + self.arg
        elif self.kind in ("join", "leave"):
            text += ":%016x" % self.arg
        return text

    @staticmethod
    def parse(text):
        head, _, rest = text.strip().partition(":")
        kind, sep, at = head.partition("@")
        if not sep:
            raise FaultSpecError("fault %r: expected kind@time_ms" % text)
        try:
            at_ms = int(at)
        except ValueError:
            raise FaultSpecError("fault %r: time %r is not an integer (ms)" % (text, at)) from None
        targets, _, arg = rest.partition(":")
        hosts = tuple(filter(None, targets.split("+")))
        value = None
        if kind == "link":
            value = parse_link(arg)
        elif kind == "restart":
            if arg not in ("", "wipe", "keep"):
                raise FaultSpecError("fault %r: restart takes 'wipe' or 'keep'" % text)
            value = arg == "wipe"
        elif kind == "clock":
            try:
                value = int(arg)
            except ValueError:
                raise FaultSpecError("fault %r: clock step %r is not an integer" % (text, arg)) from None
        elif kind == "partition":
            value = arg or None
        elif kind in ("join", "leave"):
            try:
                value = int(arg, 16)
            except ValueError:
                raise FaultSpecError("fault %r: %s takes a network id in hex" % (text, kind)) from None
        f = Fault(kind, at_ms, hosts, value)
        if kind != "heal" and not hosts:
            raise FaultSpecError("fault %r names no host" % text)
        return f

    def __repr__(self):
        return "Fault(%s)" % self.spec()

    def __eq__(self, other):
        return isinstance(other, Fault) and self.spec() == other.spec()

    def __hash__(self):
        return hash(self.spec())


class FaultSchedule(list):
    """A list of faults with a text form. World.fault_log is one (every fault injected, in
    order); scenarios return one from their faults(ctx) hook for the runner to shrink."""

    def spec(self):
        return ";".join(f.spec() for f in self) or "none"

    @staticmethod
    def parse(text):
        text = (text or "").strip()
        if text in ("", "none"):
            return FaultSchedule()
        return FaultSchedule(Fault.parse(t) for t in text.split(";") if t.strip())

    def add(self, kind, at_ms, hosts=(), arg=None):
        f = Fault(kind, at_ms, [getattr(h, "name", h) for h in hosts], arg)
        self.append(f)
        return f

    def last_ms(self):
        return max((f.at_ms for f in self), default=0)

    def apply(self, world):
        """Injects every fault into world (hosts looked up by name)."""
        for f in self:
            world.inject(f)
