"""The `relais` command.

relais serve [--host 127.0.0.1] [--port 8000]   run the web application (ASGI, uvicorn)
                                               and the router in-process (--no-router: not)
                                               and background jobs (--no-jobs: not)
                                               and the reports' statistics kept current
                                               (--no-stats: not)
                                               (--demo-traffic: and `relais traffic` beside it)
                                               (--voice: and Kamailio, rtpengine, `relais voice`)
                                               (--mail: and the SMTP receiver, as `relais mail`;
                                               --demo-traffic runs it too, customers write e-mails)
relais router [--poll 0.25]                    run the router alone (PostgreSQL: one active,
                                               the others stand by and take over)
relais voice [--sip H:P --ng H:P --proxy H:P]  run the voice service, the B2BUA (PostgreSQL:
                                               one active, the others stand by; docs/voice.md)
relais mail [--smtp 127.0.0.1:2525]            run the SMTP receiver of the queues' mailboxes
                                               alone (docs/email.md)
relais db_worker                               run background jobs (simulation runs) alone
                                               (router, voice, db_worker: a health listener on
                                               RELAIS_HEALTH_PORT when set; docs/operations.md)
relais health --process web|router|voice|jobs  check a kind of process's dependencies now
relais backup --to DIR / relais restore --from DIR   back up / restore the database and the data
                                               directory's files (docs/production.md)
relais demo                                    migrate and load the demo company (idempotent);
                                               a random secret key for this machine, once
relais simulate scenario.toml [--compare b.toml] run a what-if scenario, write an HTML report
                 [--live-prices]               (prices from the contracts and loaded costs)
relais forecast --site S --queue Q --history history.csv   forecast a queue (docs/wfm-pages.md)
relais staff --forecast ID [--service-level 0.8 ...]     agents per interval (Erlang C / A)
relais schedule --week 2025-06-02 --site S [--site T]    schedule a week (CP-SAT)
relais fcr [--window-days 7]                   judge first-contact resolution again (nightly)
relais <django command> ...                    any Django management command
                                               (migrate, createsuperuser, makemigrations, ...)
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

#: What `relais serve` says when it has no secret key (docs/security.md).
SERVE_WITHOUT_KEY = (
    "relais serve: no secret key. Set RELAIS_SECRET_KEY (a long random string, kept secret), "
    "or run `relais demo` first on a demonstration machine (it writes one into the data "
    "directory), or set RELAIS_DEBUG=true for development."
)


def serve_unmigrated(count: int) -> str:
    """What `relais serve` says when the database lacks migrations (a new machine, new code)."""
    return (
        f"relais serve: the database lacks {count} migration(s) of this version of Relais. "
        "Run `relais migrate` first (after a backup in production: docs/production.md), or "
        "`relais demo` on a demonstration machine."
    )


def unapplied_migrations() -> int:
    """How many of the code's migrations the default database has not applied yet."""
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def demo_secret_key_ensure(data_dir: Path) -> Path:
    """The demo's secret key: generated once, at random, into the data directory (mode 0600),
    unless RELAIS_SECRET_KEY is set; `relais serve` reads it from there."""
    path = data_dir / "secret_key"
    if os.environ.get("RELAIS_SECRET_KEY", "").strip() or path.exists():
        return path
    data_dir.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w") as key_file:
        key_file.write(secrets.token_urlsafe(50))
    return path


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "relais.config.settings")
    from django.conf import settings

    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)
    import django

    django.setup()


def serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="relais serve", description="Run the Relais web application."
    )
    parser.add_argument("--host", default=os.environ.get("RELAIS_HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("RELAIS_PORT", "8000")))
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--no-router", action="store_true", help="do not route in this process")
    parser.add_argument("--no-jobs", action="store_true", help="no job worker in this process")
    parser.add_argument(
        "--no-stats", action="store_true", help="do not keep the report statistics current"
    )
    parser.add_argument(
        "--demo-traffic",
        action="store_true",
        help="also run `relais traffic` (simulated customers and bot agents, docs/demo.md)",
    )
    parser.add_argument(
        "--voice",
        action="store_true",
        help="also run the voice stack and `relais voice` when installed (docs/demo.md)",
    )
    parser.add_argument(
        "--mail",
        action="store_true",
        help="also receive e-mail over SMTP on RELAIS_MAIL_RECEIVER (docs/email.md)",
    )
    args = parser.parse_args(argv)
    os.environ["RELAIS_PROCESS"] = "web"  # in its logs, and its uvicorn workers' (telemetry.logs)
    _setup_django()
    from django.conf import settings

    if settings.SECRET_KEY_SOURCE == "ephemeral" and not settings.DEBUG:  # noqa: S105
        print(SERVE_WITHOUT_KEY, file=sys.stderr, flush=True)
        return 2
    # served on tables missing columns, every page would fail at its first query
    missing = unapplied_migrations()
    if missing:
        print(serve_unmigrated(missing), file=sys.stderr, flush=True)
        return 2

    print(f"Relais: http://{args.host}:{args.port}/", flush=True)
    phone = None
    if args.voice:  # before the traffic: it inherits the voice addresses
        from relais.demo.phone import demo_phone_start

        phone = demo_phone_start(settings.VOICE_RUN_DIR)
    mail = _start_mail(settings.MAIL_RECEIVER) if args.mail or args.demo_traffic else None
    smtp = f"{mail.hostname}:{mail.port}" if mail is not None else ""
    traffic = _start_traffic(args.host, args.port, smtp) if args.demo_traffic else None
    # uvicorn raises the signal that stopped it again once stopped: SIGTERM then ends this
    # process like Ctrl-C does, through the `finally` that stops the children.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        _serve(args)
    except KeyboardInterrupt:  # Ctrl-C, the way to stop (uvicorn raises it again once stopped)
        pass
    finally:
        if traffic is not None:
            _stop_traffic(traffic)
        if phone is not None:
            phone.stop()
        if mail is not None:
            mail.stop()
    return 0


def _start_mail(address: str) -> Any:
    """The SMTP receiver in this process (docs/email.md); on a free port when its own is
    taken (a demo beside another one)."""
    from relais.apps.email.receiver import receiver_start

    host, _, port = address.rpartition(":")
    try:
        controller = receiver_start(host or "127.0.0.1", int(port))
    except (OSError, RuntimeError):
        controller = receiver_start(host or "127.0.0.1", 0)
    print(f"Relais mail: SMTP on {controller.hostname}:{controller.port}", flush=True)
    return controller


def _start_traffic(host: str, port: int, smtp: str = "") -> subprocess.Popen[bytes]:
    """`relais traffic` in a child process; it waits for the server to answer."""
    url = f"http://{'127.0.0.1' if host in {'0.0.0.0', '::'} else host}:{port}"  # noqa: S104
    command = [sys.executable, "-m", "relais.cli", "traffic", "--url", url]
    if smtp:
        command += ["--smtp", smtp]
    return subprocess.Popen(command)  # noqa: S603 - our own command


def _stop_traffic(traffic: subprocess.Popen[bytes]) -> None:
    """Ctrl-C reaches it too (same process group); otherwise ask it to stop, then wait."""
    if traffic.poll() is None:
        traffic.send_signal(signal.SIGINT)
    try:
        traffic.wait(60)
    except subprocess.TimeoutExpired:
        traffic.kill()
        traffic.wait()


def _serve(args: argparse.Namespace) -> None:
    import uvicorn

    from relais.config.server import APPLICATION, UVICORN_OPTIONS, uvicorn_logging

    if not args.no_jobs:  # the embedded default; otherwise run `relais db_worker`
        from relais.apps.simulation.worker import start_worker_thread
        from relais.apps.wfm.solves import stale_solves_fail

        stale_solves_fail()  # solves whose worker died with a previous server
        start_worker_thread()
        from relais.apps.webhooks.keeper import start_webhook_feeder

        start_webhook_feeder()  # the event log to webhook deliveries, sent by the job worker
        from relais.apps.satisfaction.mailing import start_survey_mailer

        start_survey_mailer()  # the survey links of ended e-mail contacts, by the outbox
        from relais.apps.email.jobs import start_outbox_sweeper

        start_outbox_sweeper()  # e-mails left waiting by a worker that stopped
        from relais.apps.periodic import Periodic
        from relais.apps.wfm.staffing_requests import staffing_requests_freeze

        # the staffing requests' days that a horizon (M-1, W-1, D-1) has reached, every 10 min
        Periodic(
            name="relais-staffing", every=600.0, turn=lambda: staffing_requests_freeze() and False
        ).start()
    if not args.no_stats:  # the reports' interval statistics, every few seconds
        from relais.apps.reporting.keeper import start_stats_keeper

        start_stats_keeper()
    if args.workers == 1 and not args.no_router:  # with more workers: run `relais router`
        from relais.config.server import serve_with_router

        serve_with_router(host=args.host, port=args.port)
        return
    uvicorn.run(
        APPLICATION,
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level="info",
        **UVICORN_OPTIONS,
        **uvicorn_logging(),
    )


#: The long-running commands that serve no HTTP, and their kind for health and logs.
_PROCESS_KINDS = {"router": "router", "voice": "voice", "db_worker": "jobs"}


def _health_listener(kind: str) -> None:
    """Their health listener, when RELAIS_HEALTH_PORT is set (docs/operations.md)."""
    from django.conf import settings

    if settings.HEALTH_PORT:
        from relais.apps.operations.listener import health_listener_start

        health_listener_start(kind, settings.HEALTH_HOST, settings.HEALTH_PORT)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv and argv[0] == "serve":
        return serve(argv[1:])
    if argv and argv[0] == "simulate":
        from relais.simulate_cli import main as simulate

        if "--live-prices" not in argv:
            return simulate(argv[1:])
        _setup_django()
        from relais.apps.simulation.prices import scenario_priced

        return simulate(argv[1:], pricing=scenario_priced)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        if not argv:
            return 2
    if argv[0] == "demo":  # before the settings read the key file
        demo_secret_key_ensure(
            Path(os.environ.get("RELAIS_DATA_DIR", Path.cwd() / "var")).resolve()
        )
    kind = _PROCESS_KINDS.get(argv[0])
    if kind is not None:
        os.environ["RELAIS_PROCESS"] = kind  # in its logs (telemetry.logs)
    _setup_django()
    if kind is not None:
        _health_listener(kind)
    from django.core.management import execute_from_command_line

    execute_from_command_line(["relais", *argv])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
