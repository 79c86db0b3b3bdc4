"""A headless Streamlit session: the browser's side of Streamlit's websocket protocol, without a browser.

It asks the server for a rerun of a page (``BackMsg.rerun_script``) and reads the server's messages until the run
has finished. The view is given as the page's URL query (``currency=CNY``) with ``is_history_navigation`` set, the
way the browser's back button does: widgets bound to the URL take their values from it. So thousands of reruns
cost the server what a browser's would, and cost the machine no browser — for the memory benchmark, where what is
measured is the server.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

STREAM_PATH = "/_stcore/stream"
FINISHED_EARLY_FOR_RERUN = 2
"""``ScriptFinishedStatus``: the run stopped for a rerun (``st.rerun``); another run follows."""


@dataclass(frozen=True)
class RunResult:
    seconds: float
    messages: int
    bytes: int
    exception: str | None
    """The text of an exception element the run showed, if any."""


class HeadlessSession:
    """One Streamlit session on a server, driven without a browser (``async with HeadlessSession(url) as s``)."""

    def __init__(self, base_url: str, timeout_s: float = 120.0):
        self.url = base_url.replace("http://", "ws://").replace("https://", "wss://") + STREAM_PATH
        self.timeout_s = timeout_s
        self._socket = None

    async def __aenter__(self) -> HeadlessSession:
        import websockets

        self._socket = await websockets.connect(self.url, subprotocols=["streamlit"], max_size=None)
        return self

    async def __aexit__(self, *exc) -> None:
        await self._socket.close()

    async def run(self, page: str, query: str = "") -> RunResult:
        """Rerun ``page`` (its URL path; "" for the default page) with the view in ``query``; wait for the end."""
        import asyncio

        message = BackMsg()
        message.rerun_script.page_name = page
        message.rerun_script.query_string = query
        message.rerun_script.is_history_navigation = True
        start = time.perf_counter()
        await self._socket.send(message.SerializeToString())
        count, size, exception = 0, 0, None
        while True:
            data = await asyncio.wait_for(self._socket.recv(), self.timeout_s)
            count, size = count + 1, size + len(data)
            forward = ForwardMsg()
            forward.ParseFromString(data)
            kind = forward.WhichOneof("type")
            if kind == "delta" and forward.delta.new_element.WhichOneof("type") == "exception":
                exception = exception or forward.delta.new_element.exception.message
            elif kind == "page_not_found":
                raise LookupError(f"the server has no page {page!r}")
            elif kind == "script_finished" and forward.script_finished != FINISHED_EARLY_FOR_RERUN:
                return RunResult(time.perf_counter() - start, count, size, exception)
