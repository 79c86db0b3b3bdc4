"""``make bench``: every benchmark in one run, each printed as a table, all written to bench/results.json.

Order: the in-process figures first ((1) replay, (2) registry), then the app ones ((3) AppTest reruns,
(4) Chromium, (5) export, (6) server memory, (7) server capacity under load). A section that fails is reported as
failed and the run goes on. It ends with one table: every goal (bench/goals.py), its figure, met or missed.
Options: ``--only replay,registry`` runs some sections; ``--quick`` fewer repeats (a smoke run).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import sys
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# run as a script, bench/ itself comes first on sys.path: put the repository root there instead, so that
# `pages`, `analytics` and `tests` resolve to the project's packages
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != ROOT / "bench"]
sys.path.insert(0, str(ROOT))

RESULTS = ROOT / "bench" / "results.json"
SECTIONS = ("replay", "csv", "engines", "registry", "apptest", "browser", "export", "memory", "load")


def _section(name: str, quick: bool):
    if name == "replay":
        from bench import replay_bench
        return replay_bench.run()
    if name == "csv":
        from bench import replay_bench
        return replay_bench.run_csv_load()
    if name == "engines":
        from bench import engines_bench
        return engines_bench.run(quick=quick)
    if name == "registry":
        from bench import registry_bench
        return registry_bench.run()
    if name == "apptest":
        from bench import apptest_bench
        return apptest_bench.run(quick=quick)
    if name == "browser":
        from bench import browser_bench
        return browser_bench.run(quick=quick)
    if name == "export":
        from bench import export_bench
        return export_bench.run()
    if name == "memory":
        from bench import memory_bench
        return memory_bench.run(quick=quick)
    if name == "load":
        from bench import load
        return load.run_capacity(levels=(2, 5) if quick else (5, 10, 20), views=2 if quick else 6,
                                 budget_s=120 if quick else 480)
    raise ValueError(name)


def summary(sections: dict) -> list[dict]:
    """Every goal of bench/goals.py with its figure from this run, printed as one table."""
    from bench.common import ms, print_table
    from bench.goals import (
        CONTROL_TO_REDRAWN_S,
        LOAD_SESSIONS,
        MEMORY_GROWTH,
        NAVIGATION_TO_FIRST_CHART_S,
        RERUN_MEDIAN_S,
        RERUN_P95_S,
        SERVER_CPU_MS_PER_VIEW,
        at_most,
        word,
    )

    rows: list[dict] = []

    def add(goal: str, figure: str, met: bool | None) -> None:
        rows.append({"goal": goal, "figure": figure, "": word(met)})

    def worst(pages: dict, key: str) -> tuple[str, float | None]:
        measured = [(p["title"], p[key]) for p in pages.values() if p.get(key) is not None]
        return max(measured, key=lambda item: item[1]) if measured else ("", None)

    def missing(pages: dict, key: str) -> bool:
        """A page that should have the figure and has none (a page without a chart has no redraw figure)."""
        return any(p.get(key) is None and (p.get("has_chart", True) or key != "change_to_redrawn_chart_s")
                   for p in pages.values())

    apptest = sections.get("apptest", {}).get("pages")
    if apptest:
        for key, bound, label in (("median_s", RERUN_MEDIAN_S, "median"), ("p95_s", RERUN_P95_S, "p95")):
            title, value = worst(apptest, key)
            add(f"AppTest rerun after a control change, {label} ≤ {bound * 1000:.0f} ms on every page",
                f"slowest: {title} {ms(value)}", at_most(value, bound))
    browser = sections.get("browser", {}).get("pages")
    if browser:
        for key, bound, label in (("navigation_to_first_chart_s", NAVIGATION_TO_FIRST_CHART_S,
                                   "navigation → first chart"),
                                  ("change_to_redrawn_chart_s", CONTROL_TO_REDRAWN_S, "control → redrawn chart")):
            title, value = worst(browser, key)
            met = None if missing(browser, key) else at_most(value, bound)
            add(f"Chromium {label}, median ≤ {bound * 1000:.0f} ms on every page", f"slowest: {title} {ms(value)}",
                met)
    load = sections.get("load", {})
    if "server_cpu_ms_per_view_mean" in load:
        cpu = load["server_cpu_ms_per_view_mean"]
        views = load.get("views", {})
        title, worst_cpu = max(((v["title"], sum(v["cpu_ms"]) / len(v["cpu_ms"])) for v in views.values()
                                if v["cpu_ms"]), key=lambda item: item[1], default=("", None))
        add(f"server CPU per page view, mean over the pages ≤ {SERVER_CPU_MS_PER_VIEW:.0f} ms",
            "n/a" if cpu is None else f"{cpu:,.1f} ms (most: {title} {worst_cpu:,.0f} ms); one core: "
            f"{load['page_views_per_s_one_core']:,.1f} page views/s", load.get("cpu_goal_met"))
        top = load.get("levels", {}).get(str(LOAD_SESSIONS))
        headless = load.get("headless", {}).get(str(LOAD_SESSIONS))
        add(f"{LOAD_SESSIONS} concurrent browser sessions, 0 errors",
            "not run" if top is None else f"{len(top['errors'])} errors, {top['page_loads']}/"
            f"{top['expected_page_loads']} pages, latency median {top['page_load_s_median']} s in the browsers",
            load.get("sessions_goal_met"))
        if headless is not None:
            add(f"{LOAD_SESSIONS} concurrent headless sessions (no goal: the server alone)",
                f"{len(headless['errors'])} errors, server latency median {headless['latency_s_median']} s, "
                f"p95 {headless['latency_s_p95']} s; {headless['page_views_per_s']} views/s at "
                f"{headless['server_core_busy']:.0%} of one core", None)
    reruns = sections.get("memory", {}).get("reruns")
    if reruns and "growth" in reruns:
        add(f"server memory after {reruns['reruns_per_page']:,} reruns on every page within "
            f"{MEMORY_GROWTH:.0%} of after {reruns['checkpoint']:,}",
            f"{reruns['after_checkpoint_mib']:,.0f} → {reruns['after_all_mib']:,.0f} MiB ({reruns['growth']:+.1%})",
            reruns["goal_met"])
    if rows:
        print_table("goals (bench/goals.py)", rows)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", help=f"comma-separated sections among {', '.join(SECTIONS)}")
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run, not for the README)")
    parser.add_argument("--out", default=str(RESULTS))
    args = parser.parse_args(argv)
    chosen = args.only.split(",") if args.only else list(SECTIONS)
    unknown = [s for s in chosen if s not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s) {', '.join(unknown)}; choose among {', '.join(SECTIONS)}")

    started = time.perf_counter()
    results: dict = {
        "run_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count()},
        "quick": args.quick,
        "sections": {},
    }
    print(f"benchmarks on {platform.platform()}, {os.cpu_count()} CPUs, Python {platform.python_version()}")
    failed = []
    for name in chosen:
        section_start = time.perf_counter()
        try:
            results["sections"][name] = _section(name, args.quick)
        except Exception as exc:  # noqa: BLE001 - one failed section must not lose the others' figures
            failed.append(name)
            traceback.print_exc()
            print(f"\n== {name}: FAILED: {exc} ==")
            results["sections"][name] = {"failed": f"{type(exc).__name__}: {exc}"}
        results["sections"].setdefault(name, {})["section_s"] = time.perf_counter() - section_start
        sys.stdout.flush()

    results["goals"] = summary(results["sections"])
    results["total_s"] = time.perf_counter() - started
    out = Path(args.out)
    if args.only and out.is_file():
        # a partial run updates its sections and keeps the others' last figures
        previous = json.loads(out.read_text())
        previous_sections = previous.get("sections", {})
        previous_sections.update(results["sections"])
        results["sections"] = previous_sections
    out.write_text(json.dumps(results, indent=2, default=str) + "\n")
    print(f"\nall benchmarks took {results['total_s']:.0f} s; figures written to {out.relative_to(ROOT)}"
          if out.is_relative_to(ROOT) else f"\nwritten to {out}")
    if failed:
        print(f"failed sections: {', '.join(failed)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
