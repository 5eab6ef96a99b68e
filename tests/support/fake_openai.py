"""A tiny OpenAI-compatible server on 127.0.0.1 for tests: chat completions (streamed as Server-Sent Events
like the real API, or whole with `completion` as the content) and embeddings (`FakeOpenAI.vector`).

    with FakeOpenAI(pieces=["Hello", " there"]) as server:
        OpenAIProvider(base_url=server.url + "/v1", ...)
        server.requests  # the JSON bodies it received (server.paths: where)

Set `status` to answer every request with that HTTP error instead, `transient_failures = n` to answer only
the next n requests with 503, `send_usage = False` to omit usage; `delay_before`, `delay_per_piece` and
`break_after` make it hang, stream slowly or drop the connection mid-stream.
"""

from __future__ import annotations

import base64
import hashlib
import json
import random
import struct
import threading
import time
from collections.abc import Sequence
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

COMPLETIONS_PATH = "/v1/chat/completions"
EMBEDDINGS_PATH = "/v1/embeddings"
DEFAULT_DIMENSIONS = 1536  # text-embedding-3-small's size when `dimensions` is not asked for
MEMORY_JSON = json.dumps(
    {
        "summary": "They talked about exam stress keeping them awake.",
        "keyTopics": ["exams", "sleep"],
        "detectedEmotions": ["anxious"],
        "nextSteps": ["Try a wind-down routine before bed."],
    }
)


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
        self.transient_failures = 0
        self.delay_before = 0.0  # seconds before the first byte of any answer (a hung server)
        self.delay_per_piece = 0.0  # seconds between streamed pieces (a slow model)
        self.break_after: int | None = None  # streamed pieces before the connection drops (no [DONE])
        self.completion = MEMORY_JSON  # the content of non-streamed completions
        self.embedding_dimensions: int | None = None  # set: ignore `dimensions`, like some compatible servers
        self.reverse_embeddings = False  # True: list embeddings last input first (clients must use `index`)
        self.requests: list[dict[str, Any]] = []
        self.paths: list[str] = []
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

    def usage(self) -> dict[str, int]:
        total = self.prompt_tokens + self.completion_tokens
        return {
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "total_tokens": total,
        }

    def completion_body(self, body: dict[str, Any]) -> dict[str, Any]:
        """A whole (non-streamed) `chat.completion` whose message content is `self.completion`."""
        message = {"role": "assistant", "content": self.completion, "refusal": None}
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model", "fake"),
            "choices": [{"index": 0, "message": message, "logprobs": None, "finish_reason": "stop"}],
            "usage": self.usage() if self.send_usage else None,
        }

    @staticmethod
    def vector(text: str, dimensions: int) -> list[float]:
        """The fake's embedding of `text`: deterministic, not unit length, float32-exact."""
        rng = random.Random(hashlib.sha256(text.encode()).digest())
        return [struct.unpack("<f", struct.pack("<f", rng.uniform(-1.0, 1.0)))[0] for _ in range(dimensions)]

    def embeddings_body(self, body: dict[str, Any]) -> dict[str, Any]:
        """A `list` of embeddings of the input (a string or a list of strings), float or base64-encoded."""
        texts = [body["input"]] if isinstance(body["input"], str) else list(body["input"])
        dimensions = self.embedding_dimensions or body.get("dimensions") or DEFAULT_DIMENSIONS
        data: list[dict[str, Any]] = []
        for index, text in enumerate(texts):
            vector = self.vector(text, dimensions)
            encoded: Any = vector
            if body.get("encoding_format") == "base64":
                encoded = base64.b64encode(struct.pack(f"<{len(vector)}f", *vector)).decode()
            data.append({"object": "embedding", "index": index, "embedding": encoded})
        if self.reverse_embeddings:
            data.reverse()
        tokens = sum(len(text.split()) for text in texts)
        usage = {"prompt_tokens": tokens, "total_tokens": tokens}
        return {"object": "list", "data": data, "model": body.get("model", "fake"), "usage": usage}

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
            events.append({**base, "choices": [], "usage": self.usage()})
        return events


def _handler(fake: FakeOpenAI) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            """Quiet: no access log on stderr."""

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            fake.requests.append(body)
            fake.paths.append(self.path)
            fake.headers.append({k.lower(): v for k, v in self.headers.items()})
            if fake.delay_before:
                time.sleep(fake.delay_before)
            if self.path not in (COMPLETIONS_PATH, EMBEDDINGS_PATH):
                self._json(404, {"error": {"message": f"no route {self.path}", "type": "not_found"}})
            elif fake.status != 200:
                self._json(fake.status, {"error": {"message": "fake failure", "type": "server_error"}})
            elif fake.transient_failures > 0:
                fake.transient_failures -= 1
                self._json(503, {"error": {"message": "fake overload", "type": "server_error"}})
            elif self.path == EMBEDDINGS_PATH:
                self._json(200, fake.embeddings_body(body))
            elif not body.get("stream"):
                self._json(200, fake.completion_body(body))
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
            for index, event in enumerate(events):
                if fake.break_after is not None and index > fake.break_after:
                    self.close_connection = True
                    return  # the connection drops mid-stream: no final chunk, no [DONE]
                if fake.delay_per_piece:
                    time.sleep(fake.delay_per_piece)
                self.wfile.write(f"data: {json.dumps(event)}\n\n".encode())
                self.wfile.flush()
            self.wfile.write(b"data: [DONE]\n\n")
            self.wfile.flush()
            self.close_connection = True

    return Handler
