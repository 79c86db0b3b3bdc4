"""``make bench``: every benchmark in one run, each printed as a table, all written to bench/results.json.

Order: the in-process figures first ((1) replay, (2) registry), then the app ones ((3) AppTest reruns,
(4) Chromium, (5) export, (6) server memory). A section that fails is reported as failed and the run goes on.
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
        figures = load.run_load(sessions=5 if quick else 20, budget_s=240)
        print(f"\n== (7) load: {figures['sessions']} concurrent browser sessions, every page + a control ==")
        for key in ("page_loads", "expected_page_loads", "controls_moved", "seconds", "cut_by_budget",
                    "page_load_s_median", "page_load_s_p95", "server_rss_mb_idle", "server_rss_mb_after_warm_up",
                    "server_rss_mb_peak", "server_alive"):
            print(f"  {key:<28} {figures[key]}")
        print(f"  {'errors':<28} {len(figures['errors'])}")
        return figures
    raise ValueError(name)


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
