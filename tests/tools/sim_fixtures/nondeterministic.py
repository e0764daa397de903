"""Deliberately nondeterministic (wall-clock time in a trace note): --check-determinism must
catch it and point at the diverging line."""
import time

from ztkit import check

SEED = 1


def run(ctx):
    w, _, (a, b) = ctx.root_and_members()
    w.note("wall clock %d" % time.monotonic_ns())
    check.exchange(w, [(a, b)])
