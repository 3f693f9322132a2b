"""Queueing models for contact-centre staffing: Erlang B, C and A, and staffing search.

Pure Python on numpy and scipy.special; no Django. Times are in seconds, loads in erlangs
(offered load A = contacts per interval × AHT / interval length). See docs/queueing.md.
"""

from relais.core.queueing.erlang_a import ErlangAArrays, ErlangAResult, erlang_a, erlang_a_arrays
from relais.core.queueing.erlang_b import (
    ErlangBResult,
    blocking_probability,
    erlang_b,
    lines_for_blocking,
    log_erlang_b,
    log_erlang_b_array,
)
from relais.core.queueing.erlang_c import ErlangCArrays, ErlangCResult, erlang_c, erlang_c_arrays
from relais.core.queueing.staffing import (
    DEFAULT_MAX_ABANDONMENT,
    IntervalStaffing,
    Staffing,
    StaffingError,
    StaffingTargets,
    required_agents,
    scheduled_agents,
    staff_intervals,
)


def offered_load(volume: float, aht_s: float, interval_s: float = 1800.0) -> float:
    """Erlangs offered by ``volume`` contacts of ``aht_s`` seconds in ``interval_s`` seconds."""
    return volume * aht_s / interval_s


__all__ = [
    "DEFAULT_MAX_ABANDONMENT",
    "ErlangAArrays",
    "ErlangAResult",
    "ErlangBResult",
    "ErlangCArrays",
    "ErlangCResult",
    "IntervalStaffing",
    "Staffing",
    "StaffingError",
    "StaffingTargets",
    "blocking_probability",
    "erlang_a",
    "erlang_a_arrays",
    "erlang_b",
    "erlang_c",
    "erlang_c_arrays",
    "lines_for_blocking",
    "log_erlang_b",
    "log_erlang_b_array",
    "offered_load",
    "required_agents",
    "scheduled_agents",
    "staff_intervals",
]
