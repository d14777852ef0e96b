"""The throughput baseline: a minimal raw-ASGI SPARQL endpoint on the same pyoxigraph store.

``GET /sparql?query=…`` runs the query in this process on the published store (read-only), with
the union of the named graphs as default graph like the real endpoint, and answers with the
engine's own serialisation: SPARQL JSON results for SELECT/ASK, Turtle for CONSTRUCT/DESCRIBE.
No worker processes, no row cap, no time limit, no content negotiation, no query guard.
``GET /ping`` answers ``ok`` (readiness, and the cost of an HTTP round trip with no work behind it).

By default the query runs in a thread (``anyio.to_thread``), so requests overlap as far as the
engine allows; ``--inline`` runs it on the event loop instead.

    python -m benchmarks.minimal_app --data-dir benchmarks/out/data-100000 --port 8100
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import anyio.to_thread
import pyoxigraph as ox

from graph import store

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

JSON = b"application/sparql-results+json"
TURTLE = b"text/turtle"


def evaluate(engine: ox.Store, query: str) -> tuple[bytes, bytes]:
    """The serialised result and its media type."""
    result = engine.query(query, use_default_graph_as_union=True)
    if isinstance(result, ox.QueryTriples):
        return result.serialize(format=ox.RdfFormat.TURTLE) or b"", TURTLE
    return result.serialize(format=ox.QueryResultsFormat.JSON) or b"", JSON


async def respond(send: Send, status: int, body: bytes, media_type: bytes = b"text/plain; charset=utf-8") -> None:
    headers = [(b"content-type", media_type), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


async def lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return


class MinimalApp:
    def __init__(self, data_dir: Path, inline: bool = False) -> None:
        self.engine = store.open_current(data_dir)
        self.inline = inline

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan(receive, send)
            return
        if scope["type"] != "http":
            return
        if scope["path"] == "/ping":  # readiness, and the floor: HTTP with no work behind it
            await respond(send, 200, b"ok\n")
            return
        if scope["path"] != "/sparql" or scope["method"] != "GET":
            await respond(send, 404, b"not found\n")
            return
        queries = parse_qs(scope["query_string"].decode("ascii")).get("query")
        if not queries:
            await respond(send, 400, b"no query\n")
            return
        try:
            if self.inline:
                body, media_type = evaluate(self.engine, queries[0])
            else:
                body, media_type = await anyio.to_thread.run_sync(evaluate, self.engine, queries[0])
        except (SyntaxError, ValueError) as exc:
            await respond(send, 400, f"{exc}\n".encode())
            return
        await respond(send, 200, body, media_type)


def main(argv: list[str] | None = None) -> int:
    import uvicorn

    p = argparse.ArgumentParser(prog="python -m benchmarks.minimal_app", description=__doc__.split("\n\n")[0])
    p.add_argument("--data-dir", type=Path, required=True, help="a data directory with a published store")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8100)
    p.add_argument("--inline", action="store_true", help="run queries on the event loop, not in a thread")
    p.add_argument("--log-level", default="warning")
    args = p.parse_args(argv)
    uvicorn.run(MinimalApp(args.data_dir, args.inline), host=args.host, port=args.port, log_level=args.log_level)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
