"""TOML scenarios: the examples load and run; bad files give errors naming the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from relais.core.simulation import ScenarioError, load_scenario, parse_scenario
from relais.simulate_cli import main

EXAMPLES = Path(__file__).resolve().parents[3] / "examples" / "scenarios"

MINIMAL = """
[scenario]
name = "mini"
start = 2026-03-03T08:00:00+01:00
hours = 2

[[sites]]
id = "lille"

[[queues]]
id = "orders"
rate_per_hour = 30
handling = { law = "exponential", mean = 200 }

[[agents]]
group = "lille"
site = "lille"
count = 3
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "scenario.toml"
    path.write_text(text, "utf-8")
    return path


def test_examples_load() -> None:
    for name in ("base.toml", "rabat_link_down.toml", "volume_x2.toml"):
        scenario = load_scenario(EXAMPLES / name)
        assert scenario.queues
        assert scenario.agents
    assert len(load_scenario(EXAMPLES / "volume_x2.toml").events) == 2


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("mean = 200", 'mean = "long"'), "queues[0].handling.mean: expected a number"),
        (('id = "orders"', 'id = "orders"\nchanel = "voice"'), "did you mean 'channel'"),
        (("rate_per_hour = 30", 'channel = "fax"'), "queues[0].channel: unknown value 'fax'"),
        (('site = "lille"', 'site = "paris"'), "agents[0].site: no site 'paris'"),
        (("hours = 2", "hours = 2\ndays = 1"), "either hours or days"),
        (("count = 3", "count = -1"), "agents[0].count: must be at least 0"),
        (("[[sites]]", "[[sites]\n"), "not valid TOML"),
    ],
)
def test_bad_fields_are_named(tmp_path: Path, change: tuple[str, str], message: str) -> None:
    path = write(tmp_path, MINIMAL.replace(*change, 1))
    with pytest.raises(ScenarioError, match=r"scenario\.toml") as error:
        load_scenario(path)
    assert message in str(error.value)


def test_bad_event_is_named() -> None:
    data = {
        "scenario": {"name": "x", "start": "2026-03-03T08:00:00+01:00", "hours": 1},
        "sites": [{"id": "lille"}],
        "queues": [{"id": "q"}],
        "events": [{"kind": "link_down", "site": "rabat", "at": "10:00", "minutes": 5}],
    }
    with pytest.raises(ScenarioError, match=r"events\[0\]\.site: no site 'rabat'"):
        parse_scenario(data, source="s.toml")


def test_cli_writes_a_report(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, MINIMAL)
    out = tmp_path / "report.html"
    assert main([str(path), "--replications", "2", "--out", str(out), "--compare", str(path)]) == 0
    assert "<svg" in out.read_text("utf-8")
    assert "%" in capsys.readouterr().err


def test_cli_reports_a_bad_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = write(tmp_path, MINIMAL.replace("count = 3", 'count = "x"'))
    assert main([str(path)]) == 2
    assert "agents[0].count" in capsys.readouterr().err


def test_a_queue_may_allow_chats_during_calls(tmp_path: Path) -> None:
    text = MINIMAL.replace(
        'id = "orders"', 'id = "orders"\nchannel = "chat"\nchats_during_calls = true'
    )
    (queue,) = load_scenario(write(tmp_path, text)).queues
    assert queue.config.chats_during_calls
    (default,) = load_scenario(write(tmp_path, MINIMAL)).queues
    assert not default.config.chats_during_calls


SPLIT = """
[[sites]]
id = "rabat"
partner = "atlas"

[queues.split]
shares = [{ partner = "atlas", percent = 60 }, { site = "lille", percent = %(lille)s }]
wait_bound_s = 5
"""


def test_a_queue_may_split_its_contacts(tmp_path: Path) -> None:
    text = MINIMAL.replace("[[agents]]", SPLIT.replace("%(lille)s", "40") + "\n[[agents]]", 1)
    split = load_scenario(write(tmp_path, text)).queue("orders").config.split
    assert split is not None
    assert [(s.label, s.percent) for s in split.shares] == [
        ("partner:atlas", 60),
        ("site:lille", 40),
    ]
    assert split.wait_bound_s == 5


def test_a_split_that_does_not_sum_to_100_is_named(tmp_path: Path) -> None:
    text = MINIMAL.replace("[[agents]]", SPLIT.replace("%(lille)s", "30") + "\n[[agents]]", 1)
    with pytest.raises(ScenarioError, match=r"split.*sum to 100"):
        load_scenario(write(tmp_path, text))
