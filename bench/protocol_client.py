"""A Streamlit session without a browser: it speaks the app's websocket protocol directly.

`bench/load.py` uses it to put a classroom's worth of sessions on the server without 30 Chromiums
competing with the server for this machine's two cores. It does what a browser session does on the
wire: asks for a page, records the sliders in the reply, then sends the widget states of a slider move
(a fragment rerun when the slider is inside a fragment) and times the reply up to `script_finished`.
Charts are received but not drawn, so the latency is the server's, not a browser's.

Like a browser, it first loads the app's page over HTTP and keeps the cookies it is given, sending them
with the websocket: behind a load balancer with sticky sessions (deploy/nginx.conf) that cookie pins the
session to a replica. ``replicas`` collects which replica answered each request, as the balancer reports
it in ``X-Playground-Replica`` (empty without a balancer).
"""
from __future__ import annotations

import asyncio
import time
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import CookieJar

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

FINISHED = {ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY}


@dataclass
class Slider:
    id: str
    fragment_id: str
    low: float
    high: float
    step: float
    value: float


@dataclass
class ProtocolSession:
    """One websocket session against ``url`` (``http://127.0.0.1:PORT``)."""

    url: str
    timeout_s: float = 60.0
    sliders: list[Slider] = field(default_factory=list)
    exceptions: int = 0
    replicas: set = field(default_factory=set)
    _cookies: CookieJar = field(default_factory=CookieJar)
    _socket: object = None
    _page_hash: str = ""
    _page_name: str = ""
    _values: dict = field(default_factory=dict)

    async def connect(self) -> None:
        await self.fetch("/")
        address = self.url.replace("http://", "ws://") + "/_stcore/stream"
        cookie = "; ".join(f"{c.name}={c.value}" for c in self._cookies)
        self._socket = await websockets.connect(address, subprotocols=["streamlit"], max_size=2**26,
                                                additional_headers={"Cookie": cookie} if cookie else None)
        self._note_replica(self._socket.response.headers)

    async def fetch(self, path: str) -> int:
        """GET ``path`` with this session's cookies (as the browser does for the page and its assets)."""
        def get():
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self._cookies))
            with opener.open(self.url + path, timeout=self.timeout_s) as response:
                response.read()
                return response.status, response.headers
        status, headers = await asyncio.to_thread(get)
        self._note_replica(headers)
        return status

    def _note_replica(self, headers) -> None:
        if replica := headers.get("X-Playground-Replica"):
            self.replicas.add(replica)

    async def close(self) -> None:
        if self._socket is not None:
            await self._socket.close()

    async def open_page(self, slug: str) -> float:
        """Run the page ``slug`` from the top, as a browser's first visit does; returns milliseconds."""
        self._page_name, self._page_hash, self._values, self.sliders = slug, "", {}, []
        return await self._rerun(fragment_id="")

    async def move(self, slider: Slider, direction: int) -> float:
        """Move ``slider`` one step (direction ±1, bounced at its ends); returns milliseconds to the reply."""
        value = slider.value + direction * slider.step
        if not slider.low <= value <= slider.high:
            value = slider.value - direction * slider.step
        slider.value = round(value, 10)
        self._values[slider.id] = slider.value
        return await self._rerun(fragment_id=slider.fragment_id)

    async def _rerun(self, fragment_id: str) -> float:
        message = BackMsg()
        state = message.rerun_script
        state.query_string, state.page_name, state.page_script_hash = "", self._page_name, self._page_hash
        state.fragment_id = fragment_id
        for widget_id, value in self._values.items():
            widget = state.widget_states.widgets.add()
            widget.id = widget_id
            widget.double_array_value.data.append(value)
        started = time.perf_counter()
        await self._socket.send(message.SerializeToString())
        await self._read_until_finished()
        return (time.perf_counter() - started) * 1000

    async def _read_until_finished(self) -> None:
        deadline = time.monotonic() + self.timeout_s
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"no script_finished within {self.timeout_s:.0f} s")
            reply = ForwardMsg()
            reply.ParseFromString(await _recv(self._socket, remaining))
            kind = reply.WhichOneof("type")
            if kind == "new_session":
                self._page_hash = reply.new_session.page_script_hash
            elif kind == "page_not_found":
                raise LookupError(f"page not found: {self._page_name}")
            elif kind == "delta" and reply.delta.WhichOneof("type") == "new_element":
                self._record(reply.delta.new_element, reply.delta.fragment_id)
            elif kind == "script_finished":
                if reply.script_finished not in FINISHED:
                    raise RuntimeError(f"script did not finish cleanly (status {reply.script_finished})")
                return

    def _record(self, element, fragment_id: str) -> None:
        kind = element.WhichOneof("type")
        if kind == "exception":
            self.exceptions += 1
        elif kind == "slider" and not element.slider.options:  # numeric sliders; select sliders send indices
            proto = element.slider
            if any(s.id == proto.id for s in self.sliders):
                return
            value = proto.value[0] if proto.value else proto.default[0]
            self.sliders.append(Slider(proto.id, fragment_id, proto.min, proto.max, proto.step or 1.0, value))


async def _recv(socket, timeout_s: float) -> bytes:
    data = await asyncio.wait_for(socket.recv(), timeout_s)
    if isinstance(data, str):
        raise ValueError("expected a binary ForwardMsg")
    return data
