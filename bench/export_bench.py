"""(5) Export: first and warm PNG and SVG of a catalog chart, through analytics.export (kaleido + Chromium).

Measured in a fresh Python process, so that "first" really includes starting the export browser. Without
analytics.export or a browser the section reports "not available" and why.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from typing import Any

from bench.common import ROOT, median, ms, print_table

WARM_REPEATS = 5
PREFERRED_CHARTS = ("cost-vs-hle", "replay-cost-per-model")


def measure() -> dict[str, Any]:
    """Runs inside the fresh process: JSON-able figures, or why export is not available."""
    try:
        from analytics import export
    except ModuleNotFoundError as exc:
        return {"available": False, "reason": f"analytics.export is not available ({exc})"}
    problem = export.static_export_problem() if hasattr(export, "static_export_problem") else None
    if problem:
        return {"available": False, "reason": problem}
    from analytics.charts.catalog import chart_catalog
    from analytics.core.registry import bundled_registry

    registry = bundled_registry()
    catalog = chart_catalog()
    name = next((n for n in PREFERRED_CHARTS if n in catalog), next(iter(catalog)))
    fig, _ = catalog[name].build(registry)
    result: dict[str, Any] = {"available": True, "chart": name}
    for fmt, render in (("png", export.to_png), ("svg", export.to_svg)):
        start = time.perf_counter()
        first = render(fig)
        result[f"{fmt}_first_s"] = time.perf_counter() - start
        warm = []
        for _ in range(WARM_REPEATS):
            start = time.perf_counter()
            render(fig)
            warm.append(time.perf_counter() - start)
        result[f"{fmt}_warm_s"] = median(warm)
        result[f"{fmt}_warm_runs_s"] = warm
        result[f"{fmt}_bytes"] = len(first)
    export.shutdown()
    return result


def run() -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "bench.export_bench"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"the export process failed: {done.stderr.strip().splitlines()[-1:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if not result["available"]:
        print_table("(5) export", [{"export": "not available", "why": result["reason"]}])
        return result
    rows = [{"format": fmt.upper(), "first (browser start included)": ms(result[f"{fmt}_first_s"]),
             f"warm (median of {WARM_REPEATS})": ms(result[f"{fmt}_warm_s"]),
             "size": f"{result[f'{fmt}_bytes'] / 1024:,.0f} KiB"} for fmt in ("png", "svg")]
    print_table(f"(5) export of the {result['chart']} chart (PNG at scale 2), fresh process", rows)
    return result


if __name__ == "__main__":
    print(json.dumps(measure()))
