"""A listener wakes at a NOTIFY's commit (PostgreSQL), and otherwise sleeps its timeout."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from relais.apps.interactions import queries
from relais.apps.realtime.listening import Listener

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_listener_wakes_when_the_notifying_transaction_commits() -> None:
    listener = Listener(("relais_test_wake",), role="test")
    try:
        if not listener.enabled:
            assert connection.vendor != "postgresql"
            assert listener.wait(0.05) is False  # SQLite: a plain sleep
            return
        assert listener.wait(0.05) is False  # nothing sent: the timeout
        committed = threading.Event()

        def notify() -> None:
            with transaction.atomic():
                queries.notify("relais_test_wake")
            committed.set()
            connection.close()

        sender = threading.Thread(target=notify)
        sender.start()
        assert listener.wait(30.0) is True
        sender.join()
        assert committed.is_set()
        assert listener.wait(0.05) is False  # one notification, one wake
    finally:
        listener.close()


def test_a_listener_that_cannot_connect_sleeps_its_timeout_and_tries_again() -> None:
    listener = Listener(("bad channel name; not sql",), role="test")
    try:
        assert listener.wait(0.05) is False
        assert listener.conn is None  # closed after the failure, opened again next time
    finally:
        listener.close()
