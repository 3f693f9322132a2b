"""The demo's contracts: Atlas and Carpathia, last month's statements from the demo history,
Atlas's issued for its manager to read; loaded once."""

from __future__ import annotations

import pytest

from relais.apps.accounts.models import User
from relais.apps.contracts.models import Contract, Statement, StatementState
from relais.apps.contracts.selectors import statement_list
from relais.apps.contracts.storage import statement_lines_read
from relais.core.contracts.lines import lines_total
from relais.demo.company import load_demo_company
from relais.demo.contracts import load_demo_contracts
from relais.demo.queues import load_demo_queues
from relais.demo.shifts import load_demo_shifts
from relais.demo.surveys import load_demo_surveys

pytestmark = pytest.mark.django_db


def test_the_demo_contracts_bill_last_month_from_the_history(db: None) -> None:
    load_demo_company()
    load_demo_queues()
    load_demo_surveys(days=40, per_day=30)
    load_demo_shifts(days=40, contacts=False)
    first = load_demo_contracts()
    again = load_demo_contracts()

    assert first == {"contracts": 2, "statements": 2}
    assert again == {"contracts": 0, "statements": 0}
    assert sorted(Contract.objects.values_list("partner__name", flat=True)) == [
        "Atlas Contact",
        "Carpathia CX",
    ]
    states = dict(Statement.objects.values_list("contract__partner__name", "state"))
    assert states == {"Atlas Contact": StatementState.ISSUED, "Carpathia CX": StatementState.DRAFT}
    for statement in Statement.objects.all():
        lines = statement_lines_read(statement)
        assert lines
        assert lines_total(lines) == statement.total
    atlas = Statement.objects.get(contract__partner__name="Atlas Contact")
    hours = [line for line in statement_lines_read(atlas) if line.unit == "productive_hour"]
    assert hours  # billed by the hour from the agents' shifts in the state log
    assert hours[0].quantity > 100
    assert atlas.total > 0
    carpathia = Statement.objects.get(contract__partner__name="Carpathia CX")
    assert carpathia.total >= 1500  # its minimum commitment
    manager = User.objects.get(username="manager.atlas")
    assert [s.contract.partner.name for s in statement_list(viewer=manager)] == ["Atlas Contact"]
