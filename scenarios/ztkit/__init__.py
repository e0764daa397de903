"""ztkit's simulator from Python: worlds of ZeroTier nodes on a simulated underlay
(include/ztkit/sim.h via ctypes), scenario files and the ztk-sim runner. Stdlib only."""

from ztkit import check
from ztkit.errors import ScenarioFailure, SimError, SimTimeout
from ztkit.faults import Fault, FaultSchedule
from ztkit.scenario import Context, Scenario, swarm
from ztkit.world import NAT_TYPES, Event, Host, Link, Site, World, fmt_ms

__all__ = ["check", "ScenarioFailure", "SimError", "SimTimeout", "Fault", "FaultSchedule",
           "Context", "Scenario", "swarm", "NAT_TYPES", "Event", "Host", "Link", "Site", "World",
           "fmt_ms"]
