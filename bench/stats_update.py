"""What one update of the reports' statistics costs as the event log grows.

`uv run python -m bench.stats_update [--database-url URL] [--agents 80] [--days 7]
[--changes 400] [--contacts 300] [--updates 5]`

Creates a fresh database (PostgreSQL: a new database on the server of URL, dropped at the
end; default: SQLite in a temporary directory), migrates it, and writes `--days` days of
agent state changes (`--changes` per agent and day, 08:00 onwards) and `--contacts`
contacts over the last hour. With the cursor at the end of the log, as `relais serve`'s
keeper leaves it, it times `--updates` calls of `stats_update()` (the keeper's turn), and
side by side the baseline a person ran by hand before, `relais stats --since <today>`
(`intervals_recompute` from midnight). `keeper_core_share` is the part of a core the keeper
takes with its pacing (a pause of at least 5 s and 4 times the update).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics

from bench import emit, row, stopwatch
from bench.routing_service import on_scratch_database

BATCH = 20_000
UNUSABLE = "!"  # an unusable password hash: nobody logs in


def _fill(agents: int, days: int, changes: int, contacts: int) -> int:
    from django.utils import timezone

    from relais.apps.accounts.models import Role, User
    from relais.apps.interactions.models import Contact, ContactEvent, EventKind
    from relais.apps.organisation.models import Agent, Employment, Site
    from relais.apps.reporting.models import StatsCursor
    from relais.apps.routing.models import Queue

    site = Site.objects.create(name="Bench", kind="inshore", country="FR", time_zone="Europe/Paris")
    ids = [
        Agent.objects.create(
            user=User.objects.create(username=f"agent{i}", role=Role.AGENT, password=UNUSABLE),
            site=site,
            employment=Employment.INTERNAL,
        ).pk
        for i in range(agents)
    ]
    queue = Queue.objects.create(
        code="orders", name_fr="Commandes", name_en="Orders", channel="chat"
    )
    rng = random.Random(1)
    now = timezone.now()
    first = (now - dt.timedelta(days=days)).replace(hour=8, minute=0, second=0, microsecond=0)
    spacing = dt.timedelta(seconds=min(72.0, 86_400 / max(changes, 1)))
    batch: list[ContactEvent] = []
    written = 0
    for day in range(days):
        for agent in ids:
            for change in range(changes):
                at = first + dt.timedelta(days=day) + change * spacing
                if at >= now:
                    break
                state = rng.choice(["available", "busy", "wrap_up"])
                batch.append(
                    ContactEvent(
                        at=at,
                        kind=EventKind.AGENT_STATE_CHANGED,
                        agent_id=agent,
                        by_router=True,
                        data={"state": state, "reason": None},
                    )
                )
            if len(batch) >= BATCH:
                ContactEvent.objects.bulk_create(batch)
                written, batch = written + len(batch), []
    ContactEvent.objects.bulk_create(batch)
    written += len(batch)
    for index in range(contacts):
        queued = now - dt.timedelta(seconds=3600 * (index + 1) / (contacts + 1))
        answered = rng.random() < 0.9
        contact = Contact.objects.create(
            channel="chat",
            queue=queue,
            priority=0,
            created_at=queued,
            queued_at=queued,
            state="closed" if answered else "abandoned",
            close_reason="handled" if answered else "",
            accepted_at=queued + dt.timedelta(seconds=15) if answered else None,
            closed_at=queued + dt.timedelta(seconds=200) if answered else None,
            abandoned_at=None if answered else queued + dt.timedelta(seconds=40),
            agent_id=rng.choice(ids) if answered else None,
            site=site if answered else None,
        )
        ContactEvent.objects.create(
            at=queued, kind=EventKind.CONTACT_CREATED, contact=contact, queue=queue
        )
    last = ContactEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0
    StatsCursor.objects.update_or_create(pk=1, defaults={"last_event_id": last})
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--agents", type=int, default=80)
    parser.add_argument("--days", type=int, default=7)
    parser.add_argument("--changes", type=int, default=400)
    parser.add_argument("--contacts", type=int, default=300)
    parser.add_argument("--updates", type=int, default=5)
    args = parser.parse_args()
    on_scratch_database(args.database_url, lambda: _run(args))


def _run(args: argparse.Namespace) -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from relais.apps.reporting.keeper import SHARE
    from relais.apps.reporting.stats import intervals_recompute, stats_update

    call_command("migrate", verbosity=0)
    with stopwatch() as filling:
        events = _fill(args.agents, args.days, args.changes, args.contacts)
    print(f"{connection.vendor}: {events} agent state changes written in {filling[0]:.0f} s")
    updates = []
    for _ in range(args.updates):
        with stopwatch() as elapsed:
            stats_update(wait=False)
        updates.append(elapsed[0] * 1000)
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    with stopwatch() as baseline:
        intervals_recompute(midnight, timezone.now())
    p50 = statistics.median(updates)
    share = (p50 / 1000) / max(settings.STATS_EVERY_S, SHARE * p50 / 1000)
    row("measure", "ms", widths=(36, 10))
    row("keeper's update (p50)", p50, widths=(36, 10))
    row("keeper's update (max)", max(updates), widths=(36, 10))
    row("by hand: relais stats --since today", baseline[0] * 1000, widths=(36, 10))
    emit(
        {
            "database": connection.vendor,
            "agent_events": events,
            "update_p50_ms": round(p50, 1),
            "update_max_ms": round(max(updates), 1),
            "since_today_ms": round(baseline[0] * 1000, 1),
            "keeper_core_share": round(share, 3),
        }
    )


if __name__ == "__main__":
    main()
