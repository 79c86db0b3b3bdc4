"""LLM cost-performance analytics: a sourced price registry and the pure functions that compute with it.

Nothing in this package imports streamlit: the dashboard (``dashboard.py``, ``pages/``) and the CLI
(``python -m analytics``) are two faces of the same functions.
"""

__version__ = "0.1.0"
