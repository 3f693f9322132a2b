"""Contact-centre KPIs, defined once (see docs/kpi.md).

Pure Python, no Django: live supervision, historical reports, partner statements and the
simulator all compute their figures here, from `ContactRecord` and `StateSpan` records.
"""

from relais.core.kpi.accumulator import KpiAccumulator
from relais.core.kpi.definitions import (
    KpiConfig,
    abandonment_rate,
    adherence,
    average_handling_time,
    average_speed_of_answer,
    csat_top_two_box,
    first_contact_resolution,
    net_promoter_score,
    occupancy,
    ratio,
    service_level,
    shrinkage,
    transfer_rate,
)
from relais.core.kpi.grouping import (
    BucketKey,
    Dimension,
    GroupedKpis,
    summarize,
    summarize_groups,
)
from relais.core.kpi.intervals import (
    DEFAULT_INTERVAL_SECONDS,
    interval_start,
    split_seconds,
    split_span,
)
from relais.core.kpi.quality import (
    FcrCounts,
    FcrTracker,
    csat_from_scores,
    fcr_counts,
    is_short_abandon,
    nps_from_scores,
)
from relais.core.kpi.records import (
    HANDLING_STATES,
    OUT_OF_SERVICE,
    UNAVAILABLE_STATES,
    AgentState,
    ContactRecord,
    StateSpan,
    from_epoch,
    to_epoch,
    to_epoch_or_none,
)
from relais.core.kpi.summary import EMPTY_SUMMARY, KpiSummary, merge_summaries

__all__ = [
    "DEFAULT_INTERVAL_SECONDS",
    "EMPTY_SUMMARY",
    "HANDLING_STATES",
    "OUT_OF_SERVICE",
    "UNAVAILABLE_STATES",
    "AgentState",
    "BucketKey",
    "ContactRecord",
    "Dimension",
    "FcrCounts",
    "FcrTracker",
    "GroupedKpis",
    "KpiAccumulator",
    "KpiConfig",
    "KpiSummary",
    "StateSpan",
    "abandonment_rate",
    "adherence",
    "average_handling_time",
    "average_speed_of_answer",
    "csat_from_scores",
    "csat_top_two_box",
    "fcr_counts",
    "first_contact_resolution",
    "from_epoch",
    "interval_start",
    "is_short_abandon",
    "merge_summaries",
    "net_promoter_score",
    "nps_from_scores",
    "occupancy",
    "ratio",
    "service_level",
    "shrinkage",
    "split_seconds",
    "split_span",
    "summarize",
    "summarize_groups",
    "to_epoch",
    "to_epoch_or_none",
    "transfer_rate",
]
