"""A registry layer whose names, notes and reporters are HTML and script: user data that must show as text.

Layered on the bundled registry with ``LLM_COSTS_REGISTRY`` (see ``analytics.registry.bundled_registry``).
The markers ``window.__pwned`` and a dialog (``alert``) are what a successful injection would produce.
"""

from __future__ import annotations

from pathlib import Path

import yaml

IMG_NAME = "<img src=x onerror=alert(1)>"
SCRIPT_NAME = "<script>alert(1)</script>"
PROVIDER_NAME = "<svg onload=window.__pwned=1>Evil Labs"
NOTE = "<img src=x onerror=window.__pwned=1><b>bold</b> & <a href=javascript:alert(1)>click</a>"
REPORTER = "<iframe src=javascript:alert(1)></iframe>Reporter"
HOSTILE_NAMES = (IMG_NAME, SCRIPT_NAME)
HOSTILE_IDS = ("evil-img", "evil-script")


def _model(model_id: str, name: str, input_mtok: float, output_mtok: float) -> dict:
    return {
        "id": model_id, "name": name, "released": "2026-01-15", "context_window": 300_000,
        "segment": "flagship",  # its provider's flagship: in every default selection, today and on the seed's day
        "note": NOTE, "limits_source": "https://evil.example/limits",
        "prices": [{
            "region": "global", "service_tier": "standard", "currency": "USD",
            "source": "https://evil.example/pricing?q=%3Cscript%3Ealert(1)%3C/script%3E",
            "checked_on": "2026-11-29", "note": NOTE,
            "tiers": [{"up_to": 200_000, "input_mtok": input_mtok, "output_mtok": output_mtok},
                      {"up_to": None, "input_mtok": input_mtok * 2, "output_mtok": output_mtok * 2}],
        }],
        "disagreements": [{"field": "input_mtok", "value": input_mtok * 1.5, "source": "https://evil.example/other",
                           "checked_on": "2026-11-29", "reason": NOTE}],
    }


def hostile_files() -> dict[str, dict]:
    """Two providers (a default selection holds one flagship per provider), each with one hostile model, priced
    far below every real model so that its marker on Cost vs HLE stands apart (a hidden marker shows no hover)."""
    providers = {
        "evil-labs": {"id": "evil-labs", "name": PROVIDER_NAME, "country": "US", "url": "https://evil.example",
                      "models": [_model("evil-img", IMG_NAME, 0.011, 0.033)]},
        "evil-corp": {"id": "evil-corp", "name": PROVIDER_NAME.replace("Labs", "Corp"), "country": "US",
                      "url": "https://evil.example/corp", "models": [_model("evil-script", SCRIPT_NAME, 0.017, 0.05)]},
    }
    results = [
        {"model": model_id, "score": score, "condition": condition, "subset": "full", "reporter_kind": "vendor",
         "reporter": REPORTER, "source": "https://evil.example/hle", "date": "2026-01-20", "note": NOTE}
        for model_id, score in (("evil-img", 41.0), ("evil-script", 47.5)) for condition in ("tools", "no-tools")
    ]
    benchmark = {"id": "hle", "name": "Humanity's Last Exam", "description": NOTE, "results": results}
    files = {f"providers/{pid}.yaml": provider for pid, provider in providers.items()}
    return files | {"benchmarks/hle-evil.yaml": benchmark}


def write_hostile_registry(folder: Path) -> Path:
    for relative, content in hostile_files().items():
        path = folder / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return folder
