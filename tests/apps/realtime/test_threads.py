"""The consumers' database threads: results, errors, context and the caller's loop."""

from __future__ import annotations

import asyncio
import contextvars
import threading

import pytest

from relais.apps.realtime.threads import DatabaseThreads, caller_loop

language: contextvars.ContextVar[str] = contextvars.ContextVar("language", default="fr")


def test_a_call_returns_its_result_from_another_thread() -> None:
    threads = DatabaseThreads(2, "test-db")

    async def main() -> tuple[str, bool]:
        name, loop_seen = await threads.call(
            lambda: (threading.current_thread().name, caller_loop())
        )
        return name, loop_seen is asyncio.get_running_loop()

    name, same_loop = asyncio.run(main())
    assert name.startswith("test-db-")
    assert same_loop  # pushes made during the call leave from the caller's loop
    assert caller_loop() is None  # only inside a call


def test_an_error_reaches_the_caller_and_the_thread_goes_on() -> None:
    threads = DatabaseThreads(1, "test-db")

    def fail() -> None:
        raise ValueError("refused")

    async def main() -> int:
        with pytest.raises(ValueError, match="refused"):
            await threads.call(fail)
        return await threads.wrap(lambda x: x + 1)(41)

    assert asyncio.run(main()) == 42


def test_a_call_sees_the_callers_context_and_changes_only_its_copy() -> None:
    threads = DatabaseThreads(1, "test-db")

    def switch() -> str:
        seen = language.get()
        language.set("en")  # must not leak into the next call on the same thread
        return seen

    async def main() -> tuple[str, str, str]:
        language.set("en-caller")
        first = await threads.call(switch)
        language.set("fr")
        second = await threads.call(switch)
        return first, second, language.get()

    assert asyncio.run(main()) == ("en-caller", "fr", "fr")
