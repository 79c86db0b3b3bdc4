"""The dashboard's pages, read from dashboard.py's ``PAGES`` list at run time (so a new page is benchmarked too)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from bench.common import ROOT

DASHBOARD = ROOT / "dashboard.py"

PAGE_SETUP = {"views/replay.py": {"log": ("sample", "Generated sample")}}
"""Widget values a page needs before it shows a chart (Replay waits for a log): key → (the option's value, as
AppTest sets it; its shown label, as a bound widget writes it in the URL)."""


@dataclass(frozen=True)
class PageRef:
    path: str
    """As in ``st.Page("views/x.py", …)``."""
    title: str
    default: bool

    @property
    def url_path(self) -> str:
        """Streamlit's URL for the page: the file's stem, or the root for the default page."""
        return "" if self.default else Path(self.path).stem

    @property
    def setup(self) -> dict[str, str]:
        """Widget key → option value (for AppTest)."""
        return {k: v[0] for k, v in PAGE_SETUP.get(self.path, {}).items()}

    @property
    def query(self) -> dict[str, str]:
        """Query parameters (for a browser)."""
        return {k: v[1] for k, v in PAGE_SETUP.get(self.path, {}).items()}


def discover_pages(dashboard: Path = DASHBOARD) -> list[PageRef]:
    """Every ``st.Page(...)`` in the ``PAGES = [...]`` assignment of dashboard.py, in order."""
    tree = ast.parse(dashboard.read_text())
    pages: list[PageRef] = []
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == "PAGES"
                                                     for t in node.targets)):
            continue
        for call in getattr(node.value, "elts", []):
            if not (isinstance(call, ast.Call) and call.args and isinstance(call.args[0], ast.Constant)):
                continue
            keywords = {k.arg: k.value for k in call.keywords}
            title = keywords.get("title")
            default = keywords.get("default")
            pages.append(PageRef(
                path=str(call.args[0].value),
                title=str(title.value) if isinstance(title, ast.Constant) else Path(str(call.args[0].value)).stem,
                default=bool(default.value) if isinstance(default, ast.Constant) else False,
            ))
    if not pages:
        raise RuntimeError(f"no st.Page(...) found in the PAGES list of {dashboard}")
    return pages
