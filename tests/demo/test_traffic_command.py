"""`relais traffic` talks to the server `relais serve` runs: RELAIS_HOST and RELAIS_PORT."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from relais.demo.management.commands.traffic import Command


def parsed_url() -> str:
    return Command().create_parser("relais", "traffic").parse_args([]).url


def test_the_default_server_is_relais_host_and_port(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELAIS_PORT", "8010")
    monkeypatch.delenv("RELAIS_HOST", raising=False)

    assert parsed_url() == "http://127.0.0.1:8010"


def test_a_server_listening_everywhere_is_asked_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RELAIS_HOST", "0.0.0.0")  # noqa: S104 - what the server listens on
    monkeypatch.delenv("RELAIS_PORT", raising=False)

    assert parsed_url() == "http://127.0.0.1:8000"


@pytest.mark.django_db
def test_a_share_for_people_beyond_the_whole_is_refused() -> None:
    with pytest.raises(CommandError, match="people-share"):
        call_command("traffic", people_share=1.5, seconds=0)
