"""Assertion helpers with readable failure messages: what was expected, what was found, which
hosts, and the virtual time. Each raises ScenarioFailure."""

from ztkit.errors import ScenarioFailure, SimTimeout
from ztkit.world import fmt_ms


def _fail(world, text):
    raise ScenarioFailure("t=%s: %s" % (fmt_ms(world.now), text) if world else text)


def expect(cond, text, world=None):
    if not cond:
        _fail(world, text)


def expect_eq(got, expected, what, world=None):
    if got != expected:
        _fail(world, "%s: expected %r, got %r" % (what, expected, got))


def expect_online(world, hosts=None):
    hosts = world.hosts if hosts is None else hosts
    bad = [h.describe() for h in hosts if not h.online]
    if bad:
        _fail(world, "expected online: %d of %d hosts are not: %s" % (
            len(bad), len(hosts), ", ".join(bad[:10]) + (" ..." if len(bad) > 10 else "")))


def expect_offline(world, hosts):
    bad = [h.describe() for h in hosts if h.online]
    if bad:
        _fail(world, "expected offline, but online: %s" % ", ".join(bad))


def path_text(a, b):
    p = a.peer(b)
    if p is None:
        return "%s does not know %s" % (a.name, b.name)
    paths = ", ".join("%s%s" % (p.paths[i].addr.text(), " (alive)" if p.paths[i].alive else "")
                      for i in range(min(p.path_count, 8)))
    return "%s -> %s: %s, paths: %s" % (a.name, b.name, "direct" if p.direct else "relayed",
                                         paths or "none")


def expect_direct(a, b):
    if not a.direct_to(b):
        _fail(a.world, "expected a direct path: " + path_text(a, b))


def expect_relayed(a, b):
    if a.direct_to(b):
        _fail(a.world, "expected no direct path: " + path_text(a, b))


def expect_received(receiver, sender, data=None, type_id=None):
    got = receiver.messages(sender, type_id)
    if not got or (data is not None and all(e.data != data for e in got)):
        _fail(receiver.world, "expected %s to receive a USER_MESSAGE from %s%s; got %d from it (%s)" % (
            receiver.name, sender.name, " with data %r" % data if data is not None else "",
            len(got), ", ".join(repr(e.data) for e in got[:5]) or "none"))


def expect_event(host, kind, since_ms=0):
    if not any(e.t_ms >= since_ms for e in host.events(kind)):
        seen = sorted({e.type for e in host.events() if e.t_ms >= since_ms})
        _fail(host.world, "expected event %s on %s since t=%s; saw: %s" % (
            kind, host.name, fmt_ms(since_ms), ", ".join(seen) or "nothing"))


def all_online(world, hosts=None):
    """A predicate for World.run_until, with an explanation for its timeout message."""
    hosts = world.hosts if hosts is None else hosts

    def pred():
        return all(h.online for h in hosts)

    def explain():
        bad = [h.describe() for h in hosts if not h.online]
        return "%d hosts not online: %s" % (len(bad), ", ".join(bad[:10]))
    pred.__name__ = "all of %d hosts online" % len(hosts)
    pred.explain = explain
    return pred


def wait_online(world, hosts=None, timeout_ms=60000):
    """Runs until every host is online; returns the virtual ms it took."""
    p = all_online(world, hosts)
    return world.run_until(p, timeout_ms, p.__name__, explain=p.explain)


def exchange(world, pairs, timeout_ms=30000, resend_ms=2000, type_id=0x10000):
    """Each (sender, receiver) pair sends a USER_MESSAGE ("<sender> to <receiver>"), resending
    every resend_ms (USER_MESSAGE is unreliable, as in ZeroTier) until every receiver has it.
    Raises SimTimeout naming the pairs still missing. Returns the virtual ms it took."""
    pending = {(a.index, b.index): (a, b, ("%s to %s" % (a.name, b.name)).encode()) for a, b in pairs}

    def settle():
        for key, (a, b, data) in list(pending.items()):
            if any(e.data == data and e.user_type == type_id for e in world.inbox.get(b.index, ())):
                del pending[key]
        return not pending
    start, deadline = world.now, world.now + timeout_ms
    while not settle():
        if world.now >= deadline:
            raise SimTimeout("t=%s: USER_MESSAGE delivery not complete after %s (resent every %s): "
                             "still missing %d: %s" % (
                                 fmt_ms(world.now), fmt_ms(timeout_ms), fmt_ms(resend_ms), len(pending),
                                 ", ".join("%s->%s" % (a.name, b.name) for a, b, _ in list(pending.values())[:20])))
        for a, b, data in pending.values():
            if a.running:
                a.send(b, data, type_id)
        stop = min(deadline, world.now + resend_ms)
        while world.now < stop and not settle():
            world.run_to(min(stop, world.now + 50))
    return world.now - start


# ---- virtual networks ----------------------------------------------------------------------

def joined(world, hosts, nwid, family=4):
    """A predicate: every host has a config for nwid and an address of the family (None: any).
    Hosts already seen configured are looked at again only once all the others are (large
    worlds poll this often)."""
    pending = list(hosts)

    def ok(h):
        n = h.network(nwid)
        return n and n.status == "OK" and n.ips(family)

    def pred():
        pending[:] = [h for h in pending if not ok(h)]
        return not pending and all(ok(h) for h in hosts)

    def explain():
        bad = []
        for h in hosts:
            n = h.network(nwid)
            if not n or n.status != "OK" or not n.ips(family):
                bad.append("%s: %s" % (h.name, n if n else "not joined"))
        return "%d hosts without a config or address: %s" % (len(bad), "; ".join(bad[:8]))
    pred.__name__ = "%d hosts configured on %016x" % (len(hosts), nwid)
    pred.explain = explain
    return pred


def wait_joined(world, hosts, nwid, family=4, timeout_ms=60000):
    """Runs until every host has a config and an address on nwid; returns the virtual ms."""
    p = joined(world, hosts, nwid, family)
    return world.run_until(p, timeout_ms, p.__name__, explain=p.explain)


def ping(world, host, ip, timeout_ms=10000, interval_ms=1000):
    """Pings ip from host every interval_ms until a reply comes; returns the answered Ping.
    Raises SimTimeout naming the host, the target and how many requests went unanswered."""
    sent, deadline = [], world.now + timeout_ms
    while world.now < deadline:
        sent.append(host.ping(ip))
        stop = min(deadline, world.now + interval_ms)
        while world.now < stop:
            world.run_to(min(stop, world.now + 20))
            for p in sent:
                if p.answered:
                    return p
    raise SimTimeout("t=%s: no echo reply from %s to %s after %d requests over %s" % (
        fmt_ms(world.now), ip, host.name, len(sent), fmt_ms(timeout_ms)))


def expect_no_ping(world, host, ip, window_ms=5000, interval_ms=1000):
    """Pings ip from host for window_ms; fails if any reply comes."""
    sent, stop = [], world.now + window_ms
    while world.now < stop:
        sent.append(host.ping(ip))
        world.run_to(min(stop, world.now + interval_ms))
    got = [p for p in sent if p.answered]
    if got:
        _fail(world, "expected no echo reply from %s to %s, got %d of %d" % (
            ip, host.name, len(got), len(sent)))


def wait_socket(world, sock, pred, timeout_ms, what):
    """Runs until pred(sock.info()) holds; raises SimTimeout with the socket's state."""
    return world.run_until(lambda: pred(sock.info()), timeout_ms, what, step_ms=20,
                           explain=lambda: sock.describe())
