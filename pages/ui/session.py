"""Work a visitor must not lose by visiting another page: edited workloads and uploaded files, kept for the browser
session (the tab), never in the URL and never shared between sessions.

Why this is needed: Streamlit forgets a widget's value once the widget is not drawn — and a page switch draws
none of the other page's widgets. Bound widgets (``bind="query-params"``) live in the URL; a data editor and a
file uploader cannot be bound, so what they produced is kept here, under page-prefixed keys. What is kept is the
visitor's own input (the workload they edited, the bytes they uploaded), never something derived from it.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from analytics.workloads.engine import Workload

_EDITED = "workloads:edited"
"""label → the edited ``Workload`` (the last valid one)."""
_ORIGIN = "workloads:origin"
"""label → the workload the roles editor was opened on, during this visit to the page."""
_VERSION = "workloads:version"
"""label → a counter in the editor's key: a reset opens a fresh editor."""
_UPLOADS = "uploads"
"""kind (``workload``, ``replay``) → the last file uploaded."""


@dataclass(frozen=True)
class KeptFile:
    """A file the visitor uploaded, as uploaded."""

    name: str
    data: bytes
    file_id: str

    @property
    def size_text(self) -> str:
        size = len(self.data)
        return f"{size / 1024 / 1024:,.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:,.1f} KB"


def _store(name: str) -> dict:
    return st.session_state.setdefault(name, {})


# -- edited workloads -------------------------------------------------------------------------------------------


def editor_key(label: str) -> str:
    """The roles editor's widget key for the workload ``label`` (changes on a reset)."""
    return f"roles-{label}-{_store(_VERSION).get(label, 0)}"


def editor_origin(label: str, base: Workload) -> Workload:
    """What the roles editor of ``label`` starts from: the kept edit (or ``base``) when the editor is opened,
    then the same workload for the whole visit — the editor applies its own changes on top of it, so it must
    not move while they are pending."""
    origins = _store(_ORIGIN)
    if editor_key(label) not in st.session_state or label not in origins:
        origins[label] = edited_workload(label) or base
    return origins[label]


def edited_workload(label: str) -> Workload | None:
    """The visitor's last valid edit of the workload ``label`` in this session; None when unedited."""
    return _store(_EDITED).get(label)


def keep_edit(label: str, base: Workload, edited: Workload) -> None:
    """Remember ``edited`` for ``label`` (forget it when it is ``base`` again)."""
    if edited.model_dump() == base.model_dump():
        _store(_EDITED).pop(label, None)
    else:
        _store(_EDITED)[label] = edited


def reset_edits(label: str) -> None:
    """Forget the edits of ``label`` and open a fresh editor (a button's ``on_click``)."""
    _store(_EDITED).pop(label, None)
    _store(_ORIGIN).pop(label, None)
    versions = _store(_VERSION)
    versions[label] = versions.get(label, 0) + 1


# -- uploads ------------------------------------------------------------------------------------------------------


def keep_upload(kind: str, name: str, data: bytes, file_id: str) -> KeptFile:
    """Remember the file just uploaded for ``kind`` (one per kind: a new upload replaces it)."""
    kept = _store(_UPLOADS).get(kind)
    if kept is None or kept.file_id != file_id:
        kept = KeptFile(name, data, file_id)
        _store(_UPLOADS)[kind] = kept
    return kept


def kept_upload(kind: str) -> KeptFile | None:
    """The file last uploaded for ``kind`` in this session, if any."""
    return _store(_UPLOADS).get(kind)


def forget_upload(kind: str) -> None:
    """Drop the kept file of ``kind`` (a button's ``on_click``)."""
    _store(_UPLOADS).pop(kind, None)
