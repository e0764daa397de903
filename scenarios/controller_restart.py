"""The controller crashes: members keep their configs and keep talking (also past their 60 s
config refresh, which goes unanswered). It restarts with its database kept: the members' next
requests are answered with the same addresses, a change made after the restart (a new name and
a newly authorized member) reaches everyone, and the new member joins."""
from ztkit import check, swarm

SEED = 1
PARAMS = {"down_ms": swarm.randint(70000, 200000)}


def run(ctx):
    w, root, ctl, (a, b), nwid = ctx.network_opening(network={"name": "before"})
    late = w.add_member("late", access={"latency_ms": 20})
    check.wait_online(w, [late])
    ips = {m.name: m.ip4(nwid) for m in (a, b)}
    rev = a.network(nwid).revision
    ctl.crash()
    t_crash = w.now
    while w.now < t_crash + ctx.params.down_ms:      # safety: the network works without it
        w.run_for(10000)
        check.ping(w, a, ips["b"])
        check.expect_eq(a.network(nwid).status, "OK", "a's network status with the controller down", w)
    ctl.restart()
    check.wait_online(w, [ctl])
    check.expect_eq(w.network_doc(ctl, nwid)["name"], "before", "the network's name after the restart", w)
    check.expect(w.member(ctl, nwid, a)["authorized"], "a is still authorized in the kept database", w)
    w.api(ctl, "POST", "/controller/network/%016x" % nwid, {"name": "after"})
    w.authorize(ctl, nwid, late)
    late.join(nwid)
    check.wait_joined(w, [late], nwid)
    w.run_until(lambda: all(m.network(nwid).name == "after" for m in (a, b)), 70000,
                "the renamed config at a and b")
    check.expect(a.network(nwid).revision > rev, "a's config revision did not grow", w)
    check.expect_eq({m.name: m.ip4(nwid) for m in (a, b)}, ips, "addresses after the restart", w)
    check.ping(w, late, ips["a"])
    check.ping(w, b, late.ip4(nwid))
