"""The privacy app's hand-written statement: the agents' sites with what resolves their
masking. Every offer of a call (the voice service's ring) and every call answered reads it,
and the ORM compiled its five-table join for longer than the database ran it
(`relais.apps.rows`). Tested against its ORM equivalent (tests/apps/privacy/test_queries.py)."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.backends.base.base import BaseDatabaseWrapper

from relais.apps import rows
from relais.apps.organisation.models import Agent, Partner, Site
from relais.apps.privacy.models import MaskingPolicy

_SITES_SQL = (
    f'SELECT a."id", {rows.columns(Site, "s")}, {rows.columns(Partner, "p")}, '  # noqa: S608 - names from the models
    f"{rows.columns(MaskingPolicy, 'sp')}, {rows.columns(MaskingPolicy, 'pp')} "
    f'FROM "{Agent._meta.db_table}" a '
    f'JOIN "{Site._meta.db_table}" s ON s."id" = a."site_id" '
    f'LEFT JOIN "{Partner._meta.db_table}" p ON p."id" = s."partner_id" '
    f'LEFT JOIN "{MaskingPolicy._meta.db_table}" sp ON sp."site_id" = s."id" '
    f'LEFT JOIN "{MaskingPolicy._meta.db_table}" pp ON pp."partner_id" = p."id" '
    'WHERE a."id" IN ({marks})'
)


def agent_sites(agent_ids: Collection[int]) -> dict[int, Site]:
    """Each agent's site, with its partner and the site's and the partner's masking policies
    loaded as `select_related("site__partner", "site__masking_policy",
    "site__partner__masking_policy")` loads them (a missing policy: None, no query)."""
    if not agent_ids:
        return {}
    db = connections[DEFAULT_DB_ALIAS]
    with db.cursor() as cursor:
        cursor.execute(_SITES_SQL.format(marks=rows.marks(len(agent_ids))), list(agent_ids))
        found = cursor.fetchall()
    site_end = 1 + rows.width(Site)
    partner_end = site_end + rows.width(Partner)
    policy_end = partner_end + rows.width(MaskingPolicy)
    policy_of = Site.masking_policy.related  # the reverse one-to-one, as select_related caches it
    partner_policy_of = Partner.masking_policy.related
    sites: dict[int, Site] = {}
    for row in found:
        site = rows.instance(Site, row[1:site_end], db)
        partner = None
        if row[site_end] is not None:
            partner = rows.instance(Partner, row[site_end:partner_end], db)
            partner_policy_of.set_cached_value(partner, _policy(row[policy_end:], db))
        site.partner = partner
        policy_of.set_cached_value(site, _policy(row[partner_end:policy_end], db))
        sites[row[0]] = site
    return sites


def _policy(values: Sequence[Any], db: BaseDatabaseWrapper) -> MaskingPolicy | None:
    return rows.instance(MaskingPolicy, values, db) if values[0] is not None else None
