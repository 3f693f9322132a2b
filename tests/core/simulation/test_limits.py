"""Issue 25, finding 3: a scenario beyond its bounds is refused while it is read, naming the
field, before any arrival is generated; deeply nested TOML is refused, not a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from relais.core.simulation import LIMITS, ScenarioLimitError, load_scenario, toml_read
from tests.core.simulation.test_scenario_file import MINIMAL, write


@pytest.mark.parametrize(
    ("change", "field", "maximum"),
    [
        (("hours = 2", "hours = 1000000"), "scenario.hours", LIMITS.hours),
        (("hours = 2", "days = 400"), "scenario.days", LIMITS.hours / 24),
        (("hours = 2", "hours = 2\nreplications = 1000"), "scenario.replications", 100),
        (("hours = 2", "hours = 2\ndrain_hours = 1000"), "scenario.drain_hours", 168),
        (("rate_per_hour = 30", "rate_per_hour = 1e9"), "expected contacts", LIMITS.contacts),
        (("count = 3", "count = 1000000"), "agents.count (all groups)", LIMITS.agents),
    ],
)
def test_a_scenario_beyond_a_limit_is_refused_naming_the_field(
    tmp_path: Path, change: tuple[str, str], field: str, maximum: float
) -> None:
    path = write(tmp_path, MINIMAL.replace(*change))

    with pytest.raises(ScenarioLimitError) as refused:
        load_scenario(path)

    assert refused.value.field == field
    assert refused.value.maximum == maximum
    assert f"{field}: at most" in str(refused.value)


def test_a_volume_shock_counts_in_the_expected_contacts(tmp_path: Path) -> None:
    """30 an hour for 2 hours is 60 contacts; a shock of x10,000 makes 600,000."""
    shock = '\n[[events]]\nkind = "volume_shock"\nfactor = 10000\n'
    path = write(tmp_path, MINIMAL + shock)

    with pytest.raises(ScenarioLimitError) as refused:
        load_scenario(path)

    assert refused.value.field == "expected contacts"
    assert refused.value.value == 600_000


def test_a_scenario_at_the_limits_is_accepted(tmp_path: Path) -> None:
    text = MINIMAL.replace("hours = 2", f"hours = {LIMITS.hours:g}\nreplications = 100")
    scenario = load_scenario(write(tmp_path, text))
    assert scenario.duration_s == LIMITS.hours * 3600
    assert scenario.replications == 100


@pytest.mark.parametrize("depth", [12, 5000])
def test_deeply_nested_toml_is_refused_as_too_deep(depth: int) -> None:
    text = "x = " + "[" * depth + "1" + "]" * depth

    with pytest.raises(ScenarioLimitError) as refused:
        toml_read(text, source="deep.toml")

    assert refused.value.field == "depth"


def test_toml_longer_than_the_limit_is_refused_before_it_is_parsed() -> None:
    text = "# " + "x" * LIMITS.toml_chars

    with pytest.raises(ScenarioLimitError) as refused:
        toml_read(text, source="long.toml")

    assert refused.value.field == "characters"
