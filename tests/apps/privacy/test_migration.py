"""The desktop's masking policies move to privacy with their data (privacy 0002), before the
desktop's model is removed (desktop 0003)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [
    ("desktop", "0002_wrap_up_reasons"),
    ("privacy", "0001_initial"),
    ("organisation", "0001_initial"),  # before its sites had allowed networks
]
AFTER = [("desktop", "0003_delete_maskingpolicy"), ("privacy", "0002_policies_from_desktop")]


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return MigrationExecutor(connection)


@pytest.mark.django_db(transaction=True)
def test_the_desktops_policies_are_copied_to_privacy_then_the_old_model_removed() -> None:
    # given the database as it was, with a site's policy in the desktop
    try:
        executor = _migrate(BEFORE)
        old = executor.loader.project_state(BEFORE).apps
        site = old.get_model("organisation", "Site").objects.create(
            name="Rabat", kind="offshore", country="MA", time_zone="Africa/Casablanca"
        )
        old.get_model("desktop", "MaskingPolicy").objects.create(
            site_id=site.pk, mask_email=False, mask_surname=True
        )

        # when the migrations run
        executor = _migrate(AFTER)

        # then privacy holds the policy, the new fields masked (failing closed)
        new = executor.loader.project_state(AFTER).apps
        policy = new.get_model("privacy", "MaskingPolicy").objects.get(site_id=site.pk)
        assert (policy.mask_email, policy.mask_surname) == (False, True)
        assert (policy.mask_phone, policy.mask_address, policy.partner_id) == (True, True, None)
        assert "desktop_maskingpolicy" not in connection.introspection.table_names()
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
