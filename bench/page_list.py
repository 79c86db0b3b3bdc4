"""The dashboard's pages, read from the page list in pages/ui/nav.py at run time (so a new page is benchmarked too)."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from bench.common import ROOT

DASHBOARD = ROOT / "dashboard.py"
PAGE_LIST = ROOT / "pages" / "ui" / "nav.py"
"""Where ``page_list()`` builds the ``st.Page`` list the router uses."""

PAGE_SETUP = {"pages/replay.py": {"log": ("sample", "sample")}}
"""Widget values a page needs before it shows a chart (Replay waits for a log): key → (the option's value, as
AppTest sets it; as a bound widget writes it in the URL: the same, the options being the values)."""


NO_CHART = {"pages/calculator.py": '[data-testid="stDataFrame"] canvas'}
"""Pages that draw no chart, and what their first result is instead (the browser bench times it)."""


@dataclass(frozen=True)
class PageRef:
    path: str
    """As in ``st.Page("pages/x.py", …)``."""
    title: str
    default: bool

    @property
    def url_path(self) -> str:
        """Streamlit's URL for the page: the file's stem, or the root for the default page."""
        return "" if self.default else Path(self.path).stem

    @property
    def has_chart(self) -> bool:
        return self.path not in NO_CHART

    @property
    def setup(self) -> dict[str, str]:
        """Widget key → option value (for AppTest)."""
        return {k: v[0] for k, v in PAGE_SETUP.get(self.path, {}).items()}

    @property
    def query(self) -> dict[str, str]:
        """Query parameters (for a browser)."""
        return {k: v[1] for k, v in PAGE_SETUP.get(self.path, {}).items()}


def discover_pages(source: Path = PAGE_LIST) -> list[PageRef]:
    """Every ``st.Page(...)`` of the page list, in order."""
    tree = ast.parse(source.read_text())
    pages: list[PageRef] = []
    for call in ast.walk(tree):
        if not (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and call.func.attr == "Page"
                and call.args and isinstance(call.args[0], ast.Constant)):
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
        raise RuntimeError(f"no st.Page(...) found in {source}")
    return pages
