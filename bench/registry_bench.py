"""(2) Registry load + validation: the bundled registry, and a synthetic one of 1,000 models (generated here)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from bench.common import median, ms, print_table, timed

PROVIDERS = 50
MODELS_PER_PROVIDER = 20


def write_synthetic_registry(root: Path, providers: int = PROVIDERS, per_provider: int = MODELS_PER_PROVIDER) -> int:
    """Provider files with ``providers × per_provider`` models, each with a dated price history (an old and a
    current schedule), two context tiers, a batch schedule, an alias and a tool fee. Returns the model count."""
    folder = root / "providers"
    folder.mkdir(parents=True, exist_ok=True)
    for p in range(providers):
        lines = [f"id: synth-{p:03d}", f"name: Synthetic provider {p}", f"country: {'CN' if p % 2 else 'US'}",
                 "models:"]
        for m in range(per_provider):
            base = 0.1 + (p * per_provider + m) % 97 / 10
            lines += [
                f"  - id: synth-{p:03d}-model-{m:03d}",
                f"    name: Synthetic {p}-{m}",
                "    released: 2025-06-01",
                "    context_window: 262144",
                "    max_output_tokens: 32768",
                f"    aliases: [synth-{p:03d}/m{m:03d}]",
                "    tool_fees:",
                "      - {tool: web_search, per_thousand_calls: 10, source: https://example.com/fees, "
                "checked_on: 2026-01-01}",
                "    prices:",
                "      - source: https://example.com/old",
                "        checked_on: 2025-06-01",
                "        effective_to: 2026-01-01",
                "        tiers:",
                f"          - {{up_to: 131072, input_mtok: {base * 1.2:.4f}, output_mtok: {base * 6:.4f}}}",
                f"          - {{up_to: null, input_mtok: {base * 2.4:.4f}, output_mtok: {base * 12:.4f}}}",
                "      - source: https://example.com/new",
                "        checked_on: 2026-01-01",
                "        effective_from: 2026-01-01",
                "        tiers:",
                f"          - {{up_to: 131072, input_mtok: {base:.4f}, output_mtok: {base * 5:.4f}, "
                f"cache_read_mtok: {base / 10:.4f}}}",
                f"          - {{up_to: null, input_mtok: {base * 2:.4f}, output_mtok: {base * 10:.4f}}}",
                "      - source: https://example.com/batch",
                "        checked_on: 2026-01-01",
                "        service_tier: batch",
                "        tiers:",
                f"          - {{input_mtok: {base / 2:.4f}, output_mtok: {base * 2.5:.4f}}}",
            ]
        (folder / f"synth-{p:03d}.yaml").write_text("\n".join(lines) + "\n")
    return providers * per_provider


def run() -> dict[str, Any]:
    from analytics.core.registry import DATA_DIR, load_registry

    bundled_runs = timed(lambda: load_registry(DATA_DIR), repeats=7)
    bundled = load_registry(DATA_DIR)
    with tempfile.TemporaryDirectory(prefix="bench-registry-") as tmp:
        count = write_synthetic_registry(Path(tmp))
        synthetic_runs = timed(lambda: load_registry(Path(tmp)), repeats=2, warmup=0)
        loaded = load_registry(Path(tmp))
        assert len(loaded.entries) == count, "the synthetic registry did not load every model"
    rows = [
        {"registry": f"bundled ({len(bundled.entries)} models, {len(bundled.files)} files)",
         "load + validate": ms(median(bundled_runs)), "per model": ms(median(bundled_runs) / len(bundled.entries))},
        {"registry": f"synthetic ({count:,} models, {PROVIDERS} files)",
         "load + validate": ms(median(synthetic_runs)), "per model": ms(median(synthetic_runs) / count)},
    ]
    print_table("(2) registry load + validation (median)", rows)
    return {
        "bundled_models": len(bundled.entries), "bundled_s": median(bundled_runs), "bundled_runs_s": bundled_runs,
        "synthetic_models": count, "synthetic_s": median(synthetic_runs), "synthetic_runs_s": synthetic_runs,
    }
