"""A tiny OpenAI-compatible chat server on 127.0.0.1 for tests: streams Server-Sent Events like the real API.

    with FakeOpenAI(pieces=["Hello", " there"]) as server:
        OpenAIProvider(base_url=server.url + "/v1", ...)
        server.requests  # the JSON bodies it received

Set `status` to answer every request with that HTTP error instead, `send_usage = False` to omit usage.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

COMPLETIONS_PATH = "/v1/chat/completions"


class FakeOpenAI:
    def __init__(
        self,
        *,
        pieces: Sequence[str] = ("Hello", " from", " the", " fake."),
        prompt_tokens: int = 30,
        completion_tokens: int = 12,
    ) -> None:
        self.pieces = list(pieces)
        self.prompt_tokens = prompt_tokens
        self.completion_tokens = completion_tokens
        self.status = 200
        self.send_usage = True  # False: ignore stream_options.include_usage, like some compatible servers
        self.requests: list[dict[str, Any]] = []
        self.headers: list[dict[str, str]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.02}, name="fake-openai", daemon=True
        )

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def events(self, body: dict[str, Any]) -> list[dict[str, Any]]:
        """The chunks of one streamed completion, in the API's `chat.completion.chunk` format."""
        base = {
            "id": "chatcmpl-fake",
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": body.get("model", "fake"),
            "system_fingerprint": None,
        }

        def chunk(delta: dict[str, Any], finish_reason: str | None = None) -> dict[str, Any]:
            choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish_reason}
            return {**base, "choices": [choice], "usage": None}

        events = [chunk({"role": "assistant", "content": ""})]
        events += [chunk({"content": piece}) for piece in self.pieces]
        events.append(chunk({}, "stop"))
        if self.send_usage and (body.get("stream_options") or {}).get("include_usage"):
            usage = {
                "prompt_tokens": self.prompt_tokens,
                "completion_tokens": self.completion_tokens,
                "total_tokens": self.prompt_tokens + self.completion_tokens,
            }
            events.append({**base, "choices": [], "usage": usage})
        return events


def _handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: no access log on stderr."""

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            fake.requests.append(body)
            fake.headers.append({k.lower(): v for k, v in self.headers.items()})
            if self.path != COMPLETIONS_PATH:
                self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            elif fake.status != 200:
                self._json(fake.status, {"error": {"message": "fake failure", "type": "server_error"}})
            elif not body.get("stream"):
                self._json(400, {"error": {"message": "this fake only streams", "type": "invalid_request"}})
            else:
                self._stream(fake.events(body))

        def _json(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def _stream(self, events: list[dict[str, Any]]) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-cache")
            self.send_header("Connection", "close")
            self.end_headers()
            for event in events:
                self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

    return Handler
