"""A small SPARQL 1.1 Protocol / Graph Store Protocol client for a remote triple store.

Every failure of the remote store becomes a ``RemoteError`` with the HTTP status our own
service answers with and a message that says what happened and where:
503 the store is not reachable (down), 504 it did not answer in time (slow), 502 it answered
but refused (credentials, server error) or with something that is not what was asked for
(malformed results, unexpected content type). A query the store rejects as invalid is the
client's fault: 400 with the store's own message."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import httpx
import pyoxigraph as ox

from graph.config import Settings

RESULTS_JSON = "application/sparql-results+json"
NTRIPLES = "application/n-triples"
# a graph name that never holds triples: "an empty default graph / no named graphs" in the
# protocol (with no default-graph-uri at all, a server uses its own default dataset)
EMPTY_GRAPH = "urn:normgraph:empty"


class RemoteError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class RemoteConfig:
    query_url: str
    update_url: str | None = None
    gsp_url: str | None = None
    user: str | None = None
    password: str | None = None
    auth: str = "basic"
    timeout: float = 300.0
    dialect: str = "auto"

    @classmethod
    def from_settings(cls, settings: Settings) -> RemoteConfig:
        if not settings.remote_query_url:
            raise RemoteError(503, "no remote store is configured (NORMGRAPH_REMOTE_QUERY_URL)")
        return cls(query_url=settings.remote_query_url, update_url=settings.remote_update_url,
                   gsp_url=settings.remote_gsp_url, user=settings.remote_user, password=settings.remote_password,
                   auth=settings.remote_auth, timeout=settings.remote_timeout, dialect=settings.remote_dialect)


def _first_line(text: str, limit: int = 300) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    line = lines[0] if lines else "(no message)"
    return line if len(line) <= limit else line[:limit] + "…"


_NODE_ID = b'"nodeID://'


def _virtuoso_bnodes(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Virtuoso writes blank nodes in SPARQL JSON as {"type": "bnode", "value": "nodeID://b123"},
    which is not a blank node label: drop the prefix (in the JSON text a string can only begin with
    it there, quotes inside strings being escaped). A prefix cut by a chunk boundary is kept back."""
    tail = b""
    for chunk in chunks:
        data = (tail + chunk).replace(_NODE_ID, b'"')
        keep = next((n for n in range(len(_NODE_ID) - 1, 0, -1) if data.endswith(_NODE_ID[:n])), 0)
        tail = data[len(data) - keep:] if keep else b""
        yield data[:len(data) - keep] if keep else data
    if tail:
        yield tail


class ResponseReader(io.RawIOBase):
    """A streamed HTTP body as a binary file (so results are parsed as they arrive)."""

    def __init__(self, response: httpx.Response, url: str, timeout: float | None = None, started: float = 0.0,
                 json_bnodes: bool = False) -> None:
        self.chunks: Iterator[bytes] = _virtuoso_bnodes(response.iter_bytes()) if json_bnodes else response.iter_bytes()
        self.pending = b""
        self.url = url
        # httpx's timeouts are per read: a store that trickles its answer is stopped here
        self.timeout = timeout
        self.deadline = (started or time.monotonic()) + timeout if timeout else None

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        while not self.pending:
            if self.deadline is not None and time.monotonic() > self.deadline:
                raise RemoteError(504, f"the remote store at {self.url} did not answer the query within {self.timeout:g} s")
            try:
                self.pending = next(self.chunks)
            except StopIteration:
                return 0
            except httpx.TimeoutException:
                raise RemoteError(504, f"the remote store at {self.url} stopped sending its answer (read timeout)") from None
            except httpx.HTTPError as exc:
                raise RemoteError(502, f"the remote store at {self.url} broke off its answer: {exc}") from None
        size = min(len(buffer), len(self.pending))
        buffer[:size] = self.pending[:size]
        self.pending = self.pending[size:]
        return size


class RemoteStore:
    """One connection pool to the remote store (a worker process keeps one for its lifetime)."""

    def __init__(self, config: RemoteConfig) -> None:
        self.config = config
        auth: httpx.Auth | None = None
        if config.user:
            password = config.password or ""
            auth = httpx.DigestAuth(config.user, password) if config.auth == "digest" else httpx.BasicAuth(config.user, password)
        self.auth = auth
        self.client = httpx.Client(timeout=httpx.Timeout(config.timeout, connect=5.0), follow_redirects=False)
        self.dialect = config.dialect if config.dialect != "auto" else None  # known after the first answer

    def close(self) -> None:
        self.client.close()

    # -- requests and their failures ----------------------------------------------------------------
    def _send(self, method: str, url: str, *, what: str, timeout: float | None = None, stream: bool = False,
              authenticated: bool = False, **kwargs: Any) -> httpx.Response:
        request = self.client.build_request(method, url, timeout=timeout if timeout is not None else httpx.USE_CLIENT_DEFAULT,
                                            **kwargs)
        try:
            response = self.client.send(request, stream=stream, auth=self.auth if authenticated else None)
        except httpx.ConnectTimeout:
            raise RemoteError(503, f"the remote store at {url} is not reachable (connection timed out)") from None
        except httpx.TimeoutException:
            limit = timeout if timeout is not None else self.config.timeout
            raise RemoteError(504, f"the remote store at {url} did not answer {what} within {limit:g} s") from None
        except httpx.ConnectError as exc:
            reason = _first_line(str(exc))
            raise RemoteError(503, f"the remote store at {url} is not reachable ({reason})") from None
        except httpx.HTTPError as exc:
            raise RemoteError(502, f"the remote store at {url} failed while answering {what}: {exc}") from None
        if self.dialect is None:
            self.dialect = "virtuoso" if response.headers.get("server", "").lower().startswith("virtuoso/") else "standard"
        if response.status_code >= 400:
            if stream:
                response.read()
            response.close()
            raise self._status_error(response, url, what)
        return response

    @staticmethod
    def _status_error(response: httpx.Response, url: str, what: str) -> RemoteError:
        status = response.status_code
        message = _first_line(response.text)
        if status in (401, 403):
            return RemoteError(502, f"the remote store at {url} refused {what} (HTTP {status}): check NORMGRAPH_REMOTE_USER, "
                                    f"NORMGRAPH_REMOTE_PASSWORD and NORMGRAPH_REMOTE_AUTH ({message})")
        if status == 400 and "internal error" in message.lower():  # e.g. Virtuoso's compiler failing: not the client's fault
            return RemoteError(502, f"the remote store at {url} failed on {what}: {message}")
        if status == 400:
            return RemoteError(400, f"the remote store rejected {what}: {message}")
        if status == 503:
            return RemoteError(503, f"the remote store at {url} is unavailable (HTTP 503): {message}")
        if status == 504:
            return RemoteError(504, f"the remote store at {url} timed out (HTTP 504): {message}")
        return RemoteError(502, f"the remote store at {url} failed on {what} (HTTP {status}): {message}")

    @staticmethod
    def _expect(response: httpx.Response, media_type: str, url: str) -> None:
        got = response.headers.get("content-type", "").split(";")[0].strip().lower()
        if got != media_type:
            response.close()
            raise RemoteError(502, f"the remote store at {url} answered with content type {got or '(none)'!r} "
                                   f"where {media_type} was asked for")

    # -- SPARQL queries -----------------------------------------------------------------------------
    def query(self, text: str, *, accept: str, default_graphs: list[str] | None = None, named_graphs: list[str] | None = None,
              timeout: float | None = None) -> httpx.Response:
        """POST a query (form-encoded) and return the streamed response, its content type checked.
        ``default_graphs``/``named_graphs``: None leaves the server's own dataset; [] means none."""
        target = self.config.query_url
        form: list[tuple[str, str]] = [("query", text)]
        if default_graphs is not None:
            form += [("default-graph-uri", g) for g in (default_graphs or [EMPTY_GRAPH])]
        if named_graphs is not None:
            form += [("named-graph-uri", g) for g in (named_graphs or [EMPTY_GRAPH])]
        response = self._send("POST", target, what="the query", timeout=timeout, stream=True,
                              content=str(httpx.QueryParams(form)).encode("ascii"),
                              headers={"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})
        self._expect(response, accept, target)
        return response

    def solutions(self, text: str, **kwargs: Any) -> ox.QuerySolutions | ox.QueryBoolean:
        """A SELECT or ASK, parsed as it streams in (SPARQL JSON results)."""
        started = time.monotonic()
        response = self.query(text, accept=RESULTS_JSON, **kwargs)
        try:
            return ox.parse_query_results(ResponseReader(response, self.config.query_url, kwargs.get("timeout"), started,
                                                         json_bnodes=True),
                                          ox.QueryResultsFormat.JSON)
        except SyntaxError as exc:
            response.close()
            raise RemoteError(502, f"the remote store returned malformed results: {exc}") from None

    def triples(self, text: str, **kwargs: Any) -> Iterator[ox.Triple]:
        """A CONSTRUCT or DESCRIBE, parsed as it streams in (N-Triples)."""
        started = time.monotonic()
        response = self.query(text, accept=NTRIPLES, **kwargs)
        reader = ResponseReader(response, self.config.query_url, kwargs.get("timeout"), started)
        try:
            for quad in ox.parse(input=reader, format=ox.RdfFormat.N_TRIPLES):
                yield ox.Triple(quad.subject, quad.predicate, quad.object)
        except SyntaxError as exc:
            raise RemoteError(502, f"the remote store returned malformed N-Triples: {exc}") from None
        finally:
            response.close()

    def select_rows(self, text: str, **kwargs: Any) -> list[dict[str, Any]]:
        """A small SELECT's rows as dicts of pyoxigraph terms (for the build's own checks)."""
        result = self.solutions(text, **kwargs)
        if not isinstance(result, ox.QuerySolutions):
            raise RemoteError(502, "the remote store answered a SELECT with a boolean")
        names = [v.value for v in result.variables]
        try:
            return [dict(zip(names, row, strict=True)) for row in result]
        except SyntaxError as exc:
            raise RemoteError(502, f"the remote store returned malformed results: {exc}") from None

    # -- writes -------------------------------------------------------------------------------------
    def update(self, text: str, timeout: float | None = None) -> None:
        url = self.config.update_url
        if not url:
            raise RemoteError(502, "no SPARQL Update endpoint is configured (NORMGRAPH_REMOTE_UPDATE_URL)")
        response = self._send("POST", url, what="the update", timeout=timeout, authenticated=True,
                              content=str(httpx.QueryParams({"update": text})).encode("ascii"),
                              headers={"Content-Type": "application/x-www-form-urlencoded"})
        response.close()

    def transaction(self, operations: list[str], timeout: float | None = None) -> None:
        """Several update operations as ONE request, which the server is asked to run as one logged
        transaction. SPARQL 1.1 Update says a request's operations are applied in order, and Jena
        (Fuseki/TDB2), GraphDB and Neptune run a request as one transaction. Virtuoso's HTTP
        endpoint by default commits row by row without its transaction log (readers see the
        request half-applied; a crash before the next checkpoint loses it): ``DEFINE
        sql:log-enable 1`` makes the request one transaction, written to the log at commit.
        The operations should be DELETE/INSERT … WHERE (row-level, hence logged): Virtuoso runs
        DROP, CLEAR, MOVE, COPY and ADD as unlogged bulk operations whatever the setting."""
        if not operations:
            return
        if self.dialect is None:
            self.query("ASK {}", accept=RESULTS_JSON, default_graphs=[], named_graphs=[]).close()  # learn the dialect
        text = " ;\n".join(operations)
        self.update(("DEFINE sql:log-enable 1\n" + text) if self.dialect == "virtuoso" else text, timeout=timeout)

    def put_graph(self, graph: str, ntriples: bytes, *, append: bool = False, timeout: float | None = None) -> None:
        """Graph Store Protocol: replace (PUT) or extend (POST) one named graph with N-Triples."""
        url = self.config.gsp_url
        if not url:
            raise RemoteError(502, "no Graph Store Protocol endpoint is configured (NORMGRAPH_REMOTE_GSP_URL)")
        response = self._send("POST" if append else "PUT", url, what=f"the upload of graph <{graph}>", timeout=timeout,
                              authenticated=True, params={"graph": graph}, content=ntriples,
                              headers={"Content-Type": NTRIPLES})
        response.close()
