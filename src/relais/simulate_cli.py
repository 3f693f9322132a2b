"""`relais simulate scenario.toml [--compare other.toml] [--replications N] [--out report.html]
[--live-prices]`.

Runs the scenario (and the other one, with the same seed: common random numbers), prints
the headline figures with their 95 % confidence intervals, the cost when agent groups are
priced and where each price came from, and writes a self-contained HTML report. The progress
bar goes to stderr. Pure Python: no Django needed, except with `--live-prices`, where `relais`
passes `pricing` (the groups the file leaves unpriced take the partners' contract prices and
the sites' loaded costs from the database, docs/sourcing.md).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from relais.core.simulation import (
    Scenario,
    ScenarioError,
    SimulationResult,
    compare,
    label,
    load_scenario,
    price_source,
    render_html_report,
    simulate,
)

_WIDTH = 30


def _progress_bar(name: str, lang: str) -> Callable[[float, str], None]:
    def show(share: float, note: str) -> None:
        filled = int(share * _WIDTH)
        bar = "#" * filled + "-" * (_WIDTH - filled)
        print(
            f"\r{label('progress', lang)} {name} [{bar}] {share * 100:5.1f} % {note}",
            end="",
            file=sys.stderr,
            flush=True,
        )
        if share >= 1.0:
            print(file=sys.stderr, flush=True)

    return show


def _print_summary(result: SimulationResult, lang: str) -> None:
    view = ("total", "", None)
    print(f"{result.scenario.name} ({len(result.replications)} {label('replications', lang)})")
    report = result.scenario.replay_report
    if report is not None and report.skipped:
        lines = ", ".join(str(bad.line) for bad in report.malformed[:10])
        more = ", …" if report.skipped > 10 else ""
        print(
            f"  {report.source}: {report.skipped} {label('malformed_skipped', lang)} "
            f"({label('line', lang)} {lines}{more})"
        )
    for metric in (
        "offered",
        "answered",
        "abandoned",
        "service_level",
        "average_speed_of_answer",
        "abandonment_rate",
        "occupancy",
        "cost",
        "cost_per_handled",
    ):
        estimate = result.estimate(view, metric)
        if estimate.mean is None:
            continue
        spread = "" if estimate.half_width is None else f" ± {estimate.half_width:.4g}"
        print(f"  {label(metric, lang):<28} {estimate.mean:.4g}{spread}")
    for dimension in ("partner", "group"):
        for each in result.views(dimension):
            cost = result.estimate(each, "cost")
            if cost.mean is not None:
                spread = "" if cost.half_width is None else f" ± {cost.half_width:.4g}"
                name = label(each[1], lang) if each[1] == "internal" else each[1]
                print(f"  {label('cost', lang)} {name}: {cost.mean:.4g}{spread}")
    for group in result.scenario.agents:
        if group.price is not None:
            print(
                f"  {label('price_source', lang)} {group.name}: {price_source(group.price, lang)}"
            )


type Pricing = Callable[[Scenario], Scenario]


def _run(
    path: Path, replications: int | None, pricing: Pricing | None, lang: str
) -> SimulationResult:
    scenario = load_scenario(path)
    if pricing is not None:
        scenario = pricing(scenario)
    return simulate(scenario, replications=replications, progress=_progress_bar(path.name, lang))


def main(argv: list[str] | None = None, *, pricing: Pricing | None = None) -> int:
    parser = argparse.ArgumentParser(prog="relais simulate", description=__doc__.splitlines()[0])
    parser.add_argument("scenario", type=Path, help="scenario file (TOML)")
    parser.add_argument("--compare", type=Path, help="a second scenario: paired differences")
    parser.add_argument("--replications", type=int, help="override the scenario's count")
    parser.add_argument("--out", type=Path, help="HTML report (default: <scenario>.html)")
    parser.add_argument("--lang", choices=("en", "fr"), default="en")
    parser.add_argument(
        "--live-prices",
        action="store_true",
        help="price the groups the file leaves unpriced from the contracts and loaded costs "
        "in the database (needs the `relais` command's settings)",
    )
    args = parser.parse_args(argv)
    if args.replications is not None and args.replications < 1:
        parser.error("--replications must be at least 1")
    try:
        if args.live_prices and pricing is None:
            raise ValueError("--live-prices needs the `relais simulate` command (the database)")
        prices = pricing if args.live_prices else None
        first = _run(args.scenario, args.replications, prices, args.lang)
        second = None
        if args.compare is not None:
            count = args.replications or len(first.replications)
            second = _run(args.compare, count, prices, args.lang)
            compare(first, second)
    except (ScenarioError, ValueError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for result in (first, second):
        for report in result.scenario.import_reports if result is not None else ():
            print(f"{label('skipped_lines', args.lang)}: {report.summary()}", file=sys.stderr)
    _print_summary(first, args.lang)
    if second is not None:
        _print_summary(second, args.lang)
    out = args.out or args.scenario.with_suffix(".html")
    try:
        out.write_text(render_html_report(first, lang=args.lang, against=second), "utf-8")
    except OSError as error:
        print(f"error: cannot write {out} ({error.strerror})", file=sys.stderr)
        return 2
    print(f"{label('report_written', args.lang)} {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
