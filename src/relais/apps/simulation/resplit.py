"""The monthly re-split proposal: shift a small share of a queue to each partner, simulate.

For the chosen queue of a scenario, each candidate moves ``SHARES`` (+5 %, +10 %) of its
contacts to one partner (`whatif.ShareMove`: a copy of the queue served only by that partner)
and is simulated with the scenario's seed, so that the differences with the scenario as it is
come from the shift and not from chance (common random numbers). The figures are the
scenario's totals: service level and abandonment rate, in points. Cost is left out until
partner contracts exist (issue 21).

`resplit_request` here (a service: checked, audited, enqueued after commit);
`resplit_run.execute_resplit` is the job's body (`jobs.propose_resplit`).
"""

from __future__ import annotations

from django.db import transaction

from relais.apps.accounts.models import User
from relais.apps.audit.services import audit_record
from relais.apps.errors import RelaisError
from relais.apps.simulation.access import require_runner
from relais.apps.simulation.errors import ErrorCode
from relais.apps.simulation.models import ResplitProposal, Scenario
from relais.apps.simulation.validation import check_replications, parse_toml
from relais.apps.simulation.whatif import parts_of

DEFAULT_REPLICATIONS = 3


def resplit_request(
    *, actor: User, scenario: Scenario, queue: str, replications: int = DEFAULT_REPLICATIONS
) -> ResplitProposal:
    require_runner(actor)
    check_replications(replications)
    parse_toml(scenario.toml, source=scenario.name)
    parts = parts_of(scenario.toml)
    if queue not in parts.queues or not parts.partners:
        raise RelaisError(ErrorCode.NO_PARTNER_TO_SHIFT, queue=queue[:120])
    proposal = ResplitProposal(
        scenario=scenario,
        queue=queue,
        scenario_toml=scenario.toml,
        replications=replications,
        requested_by=actor,
    )
    with transaction.atomic():
        proposal.save()
        audit_record(
            actor=actor,
            action="resplit_proposal.request",
            obj=proposal,
            changes={"scenario": scenario.pk, "queue": queue, "replications": replications},
        )
        transaction.on_commit(lambda: _enqueue(proposal.pk))
    return proposal


def _enqueue(proposal_id: int) -> None:
    from relais.apps.simulation.jobs import propose_resplit

    result = propose_resplit.enqueue(proposal_id)
    ResplitProposal.objects.filter(pk=proposal_id).update(task_id=str(result.id)[:64])
