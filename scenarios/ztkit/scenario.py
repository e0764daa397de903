"""Scenario files and their run context.

A scenario is a short Python file:

    '''What it checks.'''
    from ztkit import check, swarm
    SEED = 1                                  # the seed ctest and the golden hash use
    PARAMS = {"members": 6, "loss": swarm.uniform(0, 0.05)}   # constants or seeded draws
    SHRINK = {"members": 2}                   # params the shrinker may lower (to these minimums)
    def faults(ctx): ...                      # optional: a FaultSchedule drawn from ctx.rng
    def run(ctx):                             # builds ctx.world(), applies ctx.faults, asserts
        ...

Everything random in a run derives from the seed: the world's streams (C side), the params
drawn here and the fault schedule. --params and --faults override params and the schedule, so a
shrunk failure replays exactly.
"""

import hashlib
import importlib.util
import os
import random
import sys
import time

from ztkit.faults import FaultSchedule
from ztkit.world import World


class _Draw:
    def __init__(self, text, fn):
        self.text, self.fn = text, fn

    def __repr__(self):
        return self.text


class swarm:
    """Seeded parameter draws for PARAMS (swarm testing: every seed a different mix)."""

    @staticmethod
    def uniform(a, b):
        return _Draw("uniform(%r, %r)" % (a, b), lambda r: round(r.uniform(a, b), 6))

    @staticmethod
    def randint(a, b):
        return _Draw("randint(%r, %r)" % (a, b), lambda r: r.randint(a, b))

    @staticmethod
    def choice(options):
        options = list(options)
        return _Draw("choice(%r)" % (options,), lambda r: r.choice(options))


def derived_rng(name, seed, label):
    digest = hashlib.sha256(("%s:%d:%s" % (name, seed, label)).encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def parse_value(text):
    for conv in (int, float):
        try:
            return conv(text)
        except ValueError:
            pass
    return text


def parse_params(text):
    out = {}
    for item in filter(None, (text or "").split(",")):
        key, sep, value = item.partition("=")
        if not sep:
            raise ValueError("--params: expected key=value, got %r" % item)
        out[key.strip()] = parse_value(value.strip())
    return out


def format_params(params):
    return ",".join("%s=%s" % (k, params[k]) for k in sorted(params))


class Params(dict):
    def __getattr__(self, key):
        try:
            return self[key]
        except KeyError:
            raise AttributeError("scenario has no parameter %r" % key) from None


class Scenario:
    """A loaded scenario file."""

    _loaded = {}

    def __init__(self, path):
        self.path = os.path.abspath(path)
        self.name = os.path.splitext(os.path.basename(path))[0]
        mod_name = "ztk_scenario_%s_%d" % (self.name, len(Scenario._loaded))
        spec = importlib.util.spec_from_file_location(mod_name, self.path)
        module = importlib.util.module_from_spec(spec)
        sys.modules[mod_name] = module
        spec.loader.exec_module(module)
        if not callable(getattr(module, "run", None)):
            raise ValueError("%s: a scenario must define run(ctx)" % path)
        self.module = module
        self.doc = " ".join((module.__doc__ or "").strip().split("\n\n")[0].split())
        self.seed = int(getattr(module, "SEED", 1))
        self.params_spec = dict(getattr(module, "PARAMS", {}))
        self.shrinkable = dict(getattr(module, "SHRINK", {}))
        self.has_faults = callable(getattr(module, "faults", None))

    def params(self, seed, overrides=None):
        rng = derived_rng(self.name, seed, "params")
        out = Params()
        for key in sorted(self.params_spec):
            v = self.params_spec[key]
            out[key] = v.fn(rng) if isinstance(v, _Draw) else v
        for key, value in (overrides or {}).items():
            if key not in self.params_spec:
                raise ValueError("%s has no parameter %r (has: %s)" % (
                    self.name, key, ", ".join(sorted(self.params_spec)) or "none"))
            out[key] = value
        return out

    def faults(self, seed, params):
        if not self.has_faults:
            return FaultSchedule()
        ctx = Context(self, seed, params, None)
        return FaultSchedule(self.module.faults(ctx) or [])


class Context:
    """What run(ctx) gets: seed, params, rng, faults, and world() to make the world."""

    def __init__(self, scenario, seed, params, faults, retain=0, sample=False, progress=None):
        self.scenario, self.seed, self.params = scenario, seed, params
        self.rng = derived_rng(scenario.name, seed, "faults" if faults is None else "run")
        self.faults = faults if faults is not None else FaultSchedule()
        self.worlds = []
        self._retain, self._sample, self._progress = retain, sample, progress
        self.notes = []

    def world(self, **kw):
        from ztkit.report import Sampler
        kw.setdefault("trace_retain_bytes", self._retain)
        w = World(seed=self.seed, **kw)
        if self._sample:
            w.sampler = Sampler()
        if self._progress:
            w.progress = self._progress
        self.worlds.append(w)
        return w

    def root_and_members(self, names=("a", "b"), latency_ms=20, root_latency_ms=10, **world_kw):
        """The common opening: a world, a root and named public members, all online.
        Returns (world, root, members)."""
        from ztkit.check import wait_online
        w = self.world(**world_kw)
        root = w.add_root("root", access={"latency_ms": root_latency_ms})
        members = [w.add_member(n, access={"latency_ms": latency_ms}) for n in names]
        wait_online(w)
        return w, root, members

    def network_opening(self, names=("a", "b"), stack=False, latency_ms=20, root_latency_ms=10,
                        join=True, network=None, world=None, **world_kw):
        """The common opening of network scenarios: a world, a root, a controller, named public
        members (stack=True: lwIP stacks), all online; a network on the controller (network:
        net.network_body keywords) with every member authorized and (join) joined and
        configured. Returns (world, root, controller, members, nwid)."""
        from ztkit.check import wait_joined, wait_online
        w = world or self.world(**world_kw)
        root = w.add_root("root", access={"latency_ms": root_latency_ms})
        ctl = w.add_controller("ctl", access={"latency_ms": root_latency_ms})
        members = [w.add_member(n, stack=stack, access={"latency_ms": latency_ms}) for n in names]
        wait_online(w)
        nwid = w.create_network(ctl, **(network or {}))
        w.authorize(ctl, nwid, *members)
        if join:
            for m in members:
                m.join(nwid)
            wait_joined(w, members, nwid)
        return w, root, ctl, members, nwid

    def log(self, text):
        self.notes.append(text)
        if self.worlds:
            self.worlds[-1].note(text)


class Result:
    def __init__(self, scenario, seed, params, faults):
        self.scenario, self.seed, self.params, self.faults = scenario, seed, params, faults
        self.ok, self.message, self.hash = False, "", ""
        self.virtual_ms = self.events = self.trace_lines = 0
        self.wall_s = 0.0
        self.fault_log = FaultSchedule()
        self.report = None
        self.worlds = []

    @property
    def name(self):
        return self.scenario.name


def run_once(scenario, seed, params=None, faults=None, retain=0, sample=False, progress=None,
             keep_worlds=False):
    """Runs a scenario once. params/faults: overrides (None: from the seed). Never raises for
    a scenario's own errors: they make a failed Result with the reason."""
    from ztkit.report import collect
    res = Result(scenario, seed, {}, FaultSchedule())
    ctx = None
    t0 = time.monotonic()
    try:
        res.params = scenario.params(seed, params)
        res.faults = FaultSchedule(faults if faults is not None else scenario.faults(seed, res.params))
        ctx = Context(scenario, seed, res.params, FaultSchedule(res.faults), retain, sample, progress)
        scenario.module.run(ctx)
        res.ok = True
    except AssertionError as e:
        res.message = str(e) or e.__class__.__name__
    except Exception as e:  # a scenario bug, a bad override or a failed C call: a failure
        res.message = "%s: %s" % (e.__class__.__name__, e)
    res.wall_s = time.monotonic() - t0
    worlds = ctx.worlds if ctx else []
    hashes = [w.trace_hash for w in worlds if w._h]
    res.hash = hashes[0] if len(hashes) == 1 else hashlib.sha256("".join(hashes).encode()).hexdigest()
    for w in worlds:
        res.virtual_ms = max(res.virtual_ms, w.now)
        res.events += w.events_run()
        res.trace_lines += w.trace_lines
        res.fault_log.extend(w.fault_log)
    if sample and worlds:
        res.report = collect(worlds[0], res)
    if keep_worlds:
        for w in worlds:   # kept for trace comparison only: free the process's lwIP for the replay
            w.halt()
        res.worlds = worlds
    else:
        for w in worlds:
            w.close()
    return res


def failure_kind(message):
    """What a failure is about, without times, counts and names: the shrinker keeps a smaller
    run only if it fails the same way."""
    import re
    line = (message or "").splitlines()[0] if message else ""
    line = re.sub(r"^t=[0-9.]+s: ", "", line)
    return re.sub(r"[0-9.]+", "#", line.split(":")[0]).strip()
