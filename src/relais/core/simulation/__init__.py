"""The simulator: the real routing engine on simulated or replayed traffic (docs/simulation.md).

Pure Python (numpy for the draws), no Django. A `Scenario` (from a TOML file with
`load_scenario`) runs over replications with `simulate`; every KPI comes from
`relais.core.kpi`, with 95 % confidence intervals; `compare` pairs two scenarios run with
common random numbers; `render_html_report` writes a self-contained page.
"""

from relais.core.simulation.compare import Comparison, compare
from relais.core.simulation.confidence import Estimate, estimate, paired_difference
from relais.core.simulation.distributions import (
    Distribution,
    Empirical,
    Exponential,
    Fixed,
    LogNormal,
    Never,
)
from relais.core.simulation.labels import label
from relais.core.simulation.limits import (
    LIMITS,
    ScenarioLimitError,
    ScenarioLimits,
    ScenarioSyntaxError,
    toml_read,
)
from relais.core.simulation.parsing import load_scenario, parse_scenario
from relais.core.simulation.pricing import price_source, prices_filled
from relais.core.simulation.report import render_html_report
from relais.core.simulation.results import DIMENSIONS, KPI_METRICS, ReplicationResult, ViewKey
from relais.core.simulation.runner import RunOutcome, run_replication
from relais.core.simulation.scenario import (
    AgentGroup,
    BreakSpec,
    ChannelShift,
    GroupPrice,
    LinkDown,
    PartnerBilling,
    PartnerClosed,
    PriceOrigin,
    QueueSpec,
    ReplayArrival,
    Scenario,
    ScenarioError,
    ShiftSpec,
    VolumeShock,
)
from relais.core.simulation.simulate import SimulationResult, run_scenario_file, simulate

__all__ = [
    "DIMENSIONS",
    "KPI_METRICS",
    "LIMITS",
    "AgentGroup",
    "BreakSpec",
    "ChannelShift",
    "Comparison",
    "Distribution",
    "Empirical",
    "Estimate",
    "Exponential",
    "Fixed",
    "GroupPrice",
    "LinkDown",
    "LogNormal",
    "Never",
    "PartnerBilling",
    "PartnerClosed",
    "PriceOrigin",
    "QueueSpec",
    "ReplayArrival",
    "ReplicationResult",
    "RunOutcome",
    "Scenario",
    "ScenarioError",
    "ScenarioLimitError",
    "ScenarioLimits",
    "ScenarioSyntaxError",
    "ShiftSpec",
    "SimulationResult",
    "ViewKey",
    "VolumeShock",
    "compare",
    "estimate",
    "label",
    "load_scenario",
    "paired_difference",
    "parse_scenario",
    "price_source",
    "prices_filled",
    "render_html_report",
    "run_replication",
    "run_scenario_file",
    "simulate",
    "toml_read",
]
