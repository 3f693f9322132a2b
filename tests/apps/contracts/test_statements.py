"""A month billed from the log, issued, disputed and settled; late events adjust next month."""

from __future__ import annotations

from decimal import Decimal

import pytest

from relais.apps.audit.models import AuditEntry
from relais.apps.contracts import services
from relais.apps.contracts.costs import invoiced
from relais.apps.contracts.models import DisputeState, Statement, StatementState
from relais.apps.contracts.storage import statement_lines_read
from relais.apps.errors import RelaisError
from relais.core.contracts.lines import Unit
from tests.apps.conftest import World
from tests.apps.contracts.fixtures import FEBRUARY, MARCH, atlas_contract, available, handled, paris


def _amounts(statement: Statement) -> list[tuple[str, str, str, Decimal]]:
    return [
        (line.unit, line.label, line.adjusts, line.amount)
        for line in statement_lines_read(statement)
    ]


def test_a_month_is_billed_issued_disputed_settled_and_adjusted_next_month(world: World) -> None:
    # given Atlas's contract, 2 h of an agent and two handled contacts in February
    contract = atlas_contract(world)
    director, manager = world.users["director"], world.users["partner_manager"]
    agent = world.agents["rabat0"]
    available(agent, paris(2, 2, 9), paris(2, 2, 11))
    first = handled(agent, paris(2, 10, 10), "K1")
    handled(agent, paris(2, 27, 10), "K2")  # its clawback window is still open on 1 March
    # when the director computes February on 1 March at noon
    february = services.statement_compute(
        actor=director, contract=contract, month=FEBRUARY, as_of=paris(3, 1, 12)
    )
    # then hours 2 x 20, 2 handled x 1.50, and only the first contact resolved (1.00)
    assert _amounts(february) == [
        (Unit.PRODUCTIVE_HOUR, "", "", Decimal("40.00")),
        (Unit.HANDLED_CONTACT, "1+", "", Decimal("3.00")),
        (Unit.RESOLVED_CONTACT, "1+", "", Decimal("1.00")),
    ]
    assert february.total == Decimal("44.00")
    assert (february.state, february.revision) == (StatementState.DRAFT, 1)
    # and computing again changes nothing
    again = services.statement_compute(
        actor=director, contract=contract, month=FEBRUARY, as_of=paris(3, 1, 12)
    )
    assert (again.pk, again.revision, again.digest) == (february.pk, 1, february.digest)

    # when the director issues it, Atlas's manager disputes the hours and the director accepts
    february = services.statement_issue(actor=director, statement=february)
    hours_line = february.lines.get(unit=Unit.PRODUCTIVE_HOUR)
    dispute = services.dispute_open(actor=manager, line=hours_line, comment="30 min manquantes")
    assert Statement.objects.get(pk=february.pk).state == StatementState.DISPUTED
    dispute = services.dispute_decide(actor=director, dispute=dispute, accept=True, amount="10")
    assert dispute.state == DisputeState.ACCEPTED
    assert Statement.objects.get(pk=february.pk).state == StatementState.AGREED
    # and an issued statement is never computed again
    with pytest.raises(RelaisError):
        services.statement_compute(actor=director, contract=contract, month=FEBRUARY)

    # given late events: a repeat of K1 within 7 days, recorded after February was issued
    handled(agent, paris(2, 12, 10), "K1")
    # and March's own work
    available(agent, paris(3, 2, 9), paris(3, 2, 10))
    handled(agent, paris(3, 3, 10), "K3")
    # when March is computed
    march = services.statement_compute(
        actor=director, contract=contract, month=MARCH, as_of=paris(4, 20, 12)
    )
    # then March's lines, then February's adjustments: the late contact handled (+1.50),
    # K1's first contact clawed back, K2's now resolved and the late one resolved (+1.00), and
    # the dispute's 10.00
    lines = statement_lines_read(march)
    assert _amounts(march) == [
        (Unit.PRODUCTIVE_HOUR, "", "", Decimal("20.00")),
        (Unit.HANDLED_CONTACT, "1+", "", Decimal("1.50")),
        (Unit.RESOLVED_CONTACT, "1+", "", Decimal("1.00")),
        (Unit.HANDLED_CONTACT, "1+", "2026-02", Decimal("1.50")),
        (Unit.RESOLVED_CONTACT, "1+", "2026-02", Decimal("1.00")),
        (Unit.DISPUTE_SETTLED, f"#{dispute.pk}", "2026-02", Decimal("10.00")),
    ]
    swapped = {(item.contact_id, item.quantity) for item in lines[4].basis}
    assert (str(first.pk), Decimal(-1)) in swapped
    assert march.total == Decimal("35.00")
    # and the billed amounts are what the sourcing page reads
    assert invoiced(world.atlas.pk, FEBRUARY, MARCH.replace(day=31)) == Decimal("44.00")
    services.statement_issue(actor=director, statement=march)
    assert invoiced(world.atlas.pk, FEBRUARY, MARCH.replace(day=31)) == Decimal("79.00")
    assert invoiced(world.carpathia.pk, FEBRUARY, MARCH) is None
    # and every step is audited
    actions = list(
        AuditEntry.objects.filter(action__startswith="contracts.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "contracts.statement_computed",
        "contracts.statement_issued",
        "contracts.dispute_opened",
        "contracts.dispute_decided",
        "contracts.statement_computed",
        "contracts.statement_issued",
    ]


def test_a_draft_whose_log_changed_gets_a_new_revision(world: World) -> None:
    contract = atlas_contract(world)
    director, agent = world.users["director"], world.agents["rabat0"]
    available(agent, paris(2, 2, 9), paris(2, 2, 10))
    first = services.statement_compute(
        actor=director, contract=contract, month=FEBRUARY, as_of=paris(3, 20, 0)
    )
    handled(agent, paris(2, 3, 9), "K9")
    second = services.statement_compute(
        actor=director, contract=contract, month=FEBRUARY, as_of=paris(3, 20, 0)
    )
    assert (second.pk, second.revision) == (first.pk, 2)
    assert second.total == Decimal("22.50")


def test_a_month_is_billed_under_the_version_valid_on_its_first_day(world: World) -> None:
    contract = atlas_contract(world)
    director, agent = world.users["director"], world.agents["rabat0"]
    amended = {**contract.versions.get().terms}
    amended["activities"] = [{**amended["activities"][0], "hourly": {"price": "25.00"}}]
    services.contract_version_add(
        actor=director, contract=contract, valid_from=MARCH, terms=amended
    )
    available(agent, paris(2, 2, 9), paris(2, 2, 10))
    available(agent, paris(3, 2, 9), paris(3, 2, 10))
    february = services.statement_compute(
        actor=director, contract=contract, month=FEBRUARY, as_of=paris(4, 20, 0)
    )
    march = services.statement_compute(
        actor=director, contract=contract, month=MARCH, as_of=paris(4, 20, 0)
    )
    assert (february.version.number, february.total) == (1, Decimal("20.00"))
    assert (march.version.number, march.total) == (2, Decimal("25.00"))


def test_a_partner_manager_cannot_dispute_another_partners_statement(world: World) -> None:
    contract = atlas_contract(world)
    director = world.users["director"]
    available(world.agents["rabat0"], paris(2, 2, 9), paris(2, 2, 10))
    statement = services.statement_compute(
        actor=director, contract=contract, month=FEBRUARY, as_of=paris(3, 20, 0)
    )
    line = statement.lines.get()
    # a draft cannot be disputed even by its partner
    with pytest.raises(RelaisError):
        services.dispute_open(actor=world.users["partner_manager"], line=line, comment="non")
    services.statement_issue(actor=director, statement=statement)
    carpathia_manager = type(director).objects.create(
        username="manager.carpathia", role="partner_manager", partner=world.carpathia
    )
    with pytest.raises(RelaisError) as refused:
        services.dispute_open(actor=carpathia_manager, line=line, comment="non")
    assert refused.value.status == 403
    with pytest.raises(RelaisError):
        services.statement_issue(actor=world.users["partner_manager"], statement=statement)
