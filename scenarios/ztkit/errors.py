"""Exceptions of the ztkit package."""


class SimError(RuntimeError):
    """A C call returned an error code."""

    def __init__(self, call, rc, detail=""):
        from ztkit._lib import errname, lib
        name = errname(rc)
        text = lib().ztk_strerror(rc).decode()
        super().__init__("%s failed: %s (%s)%s" % (call, name, text, (": " + detail) if detail else ""))
        self.rc = rc


class ScenarioFailure(AssertionError):
    """A scenario's expectation did not hold. The message says what was expected and what was
    found, with host names and the virtual time."""


class SimTimeout(ScenarioFailure):
    """run_until's predicate did not become true in time."""
