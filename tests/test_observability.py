"""What an operator sees, on a real server: /metrics (parsed by prometheus-client's own parser),
bounded route labels, request ids, the JSON access log on the server's stderr and the slow-query log."""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from api.app import create_app
from api.metrics import Registry
from graph import store
from graph.build import BuildResult
from graph.config import Settings
from tests.servers import Server

TOKEN = "metrics-" + secrets.token_hex(8)
AUTH = {"Authorization": f"Bearer {TOKEN}"}
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
# about a second on the project's machine: over the 400 ms slow-query threshold, under the 3 s deadline
SLOW = ("SELECT (COUNT(*) AS ?n) WHERE { { SELECT ?a WHERE { ?a ?b ?c } LIMIT 3000 } "
        "{ SELECT ?d WHERE { ?d ?e ?f } LIMIT 3000 } }")
ODD_METHODS = ["PROPFIND", "PROPPATCH", "MKCOL", "LOCK", "UNLOCK", "TRACE", "REPORT", "SEARCH", "MKACTIVITY", "CHECKOUT"]
GENERATED_ID = re.compile(r"[0-9a-f]{12}-[0-9a-f]+")

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


@pytest.fixture(scope="module")
def server(built: tuple[Settings, BuildResult], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    settings_, _ = built
    data_dir = tmp_path_factory.mktemp("observability") / "var"
    shutil.copytree(settings_.data_dir, data_dir, symlinks=True)
    env = {"NORMGRAPH_WORKERS": "2", "NORMGRAPH_QUERY_TIMEOUT": "3", "NORMGRAPH_QUEUE_WAIT": "0.5",
           "NORMGRAPH_SLOW_QUERY_MS": "400", "NORMGRAPH_MAX_BODY": "65536", "NORMGRAPH_METRICS_TOKEN": TOKEN}
    server = Server(data_dir, env, args=["--log-level", "info", "--log-format", "json"])
    yield server
    server.stop()


def scrape(server: Server) -> Samples:
    response = httpx.get(server.url + "/metrics", headers=AUTH, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/plain; version=0.0.4; charset=utf-8"
    samples: Samples = {}
    for family in text_string_to_metric_families(response.text):  # raises on anything malformed
        for sample in family.samples:
            samples[(sample.name, frozenset(sample.labels.items()))] = sample.value
    return samples


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def log_lines(server: Server) -> list[dict]:
    time.sleep(0.2)  # the server writes its line after the response has gone out
    lines = server.log.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]  # every line must be JSON


def test_metrics_need_the_token_when_one_is_configured(server: Server) -> None:
    assert httpx.get(server.url + "/metrics").status_code == 401
    wrong = httpx.get(server.url + "/metrics", headers={"Authorization": "Bearer " + TOKEN[:-1] + "x"})
    assert wrong.status_code == 401 and "metrics token" in wrong.text
    assert httpx.get(server.url + "/metrics", headers=AUTH).status_code == 200


def test_metrics_count_requests_and_query_time(server: Server, built: tuple[Settings, BuildResult]) -> None:
    before = scrape(server)
    for _ in range(5):
        assert httpx.get(server.sparql, params={"query": "ASK { ?s ?p ?o }"}).status_code == 200
    assert httpx.get(server.url + "/id/actor/france.ttl").status_code == 200
    after = scrape(server)
    key = {"route": "/sparql", "method": "GET"}
    assert value(after, "normgraph_http_requests_total", **key, status="200") - \
        value(before, "normgraph_http_requests_total", **key, status="200") == 5
    assert value(after, "normgraph_http_request_duration_seconds_count", **key) - \
        value(before, "normgraph_http_request_duration_seconds_count", **key) == 5
    assert value(after, "normgraph_http_request_duration_seconds_bucket", **key, le="+Inf") == \
        value(after, "normgraph_http_request_duration_seconds_count", **key)
    assert value(after, "normgraph_http_requests_total", route="/id/{rest:path}", method="GET", status="200") >= 1
    # the ASKs and the page's queries ran in workers
    ran = value(after, "normgraph_query_duration_seconds_count", kind="query", outcome="ok") - \
        value(before, "normgraph_query_duration_seconds_count", kind="query", outcome="ok")
    assert ran >= 6
    assert value(after, "normgraph_query_duration_seconds_sum", kind="query", outcome="ok") > 0
    assert value(after, "normgraph_workers", state="idle") + value(after, "normgraph_workers", state="busy") == 2
    # the store: triples per graph are the build's manifest, the dataset is the published directory
    settings_, _ = built
    manifest = store.read_manifest(settings_.data_dir)
    for graph, count in manifest["graphs"].items():
        assert value(after, "normgraph_store_triples", graph=graph) == count
    assert sum(manifest["graphs"].values()) > 50_000
    published = store.current_path(server_data_dir(server))
    assert published is not None
    info = [labels for (name, labels), v in after.items() if name == "normgraph_build_info" and v == 1]
    assert len(info) == 1 and dict(info[0])["dataset"] == published.name
    on_disk = sum(f.stat().st_size for f in published.rglob("*") if f.is_file())
    assert value(after, "normgraph_store_bytes") == on_disk
    assert value(after, "normgraph_resident_memory_bytes", process="server") > 20e6
    assert value(after, "normgraph_resident_memory_bytes", process="workers") > 20e6
    assert abs(value(after, "normgraph_dataset_published_timestamp_seconds") - (published.parent.parent / "current").lstat().st_mtime) < 1


def server_data_dir(server: Server) -> Path:
    args = server.proc.args
    return Path(args[args.index("--data-dir") + 1])


def test_timeouts_saturation_and_restarts_are_counted(server: Server) -> None:
    before = scrape(server)
    with ThreadPoolExecutor(max_workers=2) as pool:
        runaways = [pool.submit(httpx.get, server.sparql, params={"query": RUNAWAY}, timeout=30) for _ in range(2)]
        time.sleep(1.0)
        busy = httpx.get(server.sparql, params={"query": "ASK {}"}, timeout=10)
        assert busy.status_code == 503 and "busy" in busy.text
        assert all(r.result().status_code == 503 for r in runaways)
    after = scrape(server)

    def delta(name: str, **labels: str) -> float:
        return value(after, name, **labels) - value(before, name, **labels)

    assert delta("normgraph_query_timeouts_total") == 2
    assert delta("normgraph_worker_restarts_total") == 2
    assert delta("normgraph_rejections_total", reason="saturated") == 1
    assert delta("normgraph_query_duration_seconds_count", kind="query", outcome="timeout") == 2
    assert delta("normgraph_http_requests_total", route="/sparql", method="GET", status="503") == 3


def test_refusals_and_oversized_bodies_are_counted(server: Server) -> None:
    before = scrape(server)
    refused = httpx.get(server.sparql, params={"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }"})
    assert refused.status_code == 400
    big = httpx.post(server.sparql, content=b"x" * 70_000, headers={"Content-Type": "application/sparql-query"})
    assert big.status_code == 413
    after = scrape(server)
    assert value(after, "normgraph_rejections_total", reason="refused") - value(before, "normgraph_rejections_total", reason="refused") == 1
    assert value(after, "normgraph_rejections_total", reason="too_large") - value(before, "normgraph_rejections_total",
                                                                                 reason="too_large") == 1


def test_route_labels_stay_bounded_under_random_paths(server: Server, built: tuple[Settings, BuildResult]) -> None:
    tokens = [secrets.token_hex(6) for _ in range(60)]
    with httpx.Client(base_url=server.url, timeout=10) as client:
        for token in tokens[:30]:
            assert client.get(f"/id/actor/{token}").status_code == 404
        for token in tokens[30:50]:
            assert client.get(f"/{token}/{token}.ttl").status_code == 404
        for token, method in zip(tokens[50:], ODD_METHODS, strict=False):  # methods uvicorn passes on
            assert 400 <= client.request(method, f"/sparql/{token}").status_code < 500
    text = httpx.get(server.url + "/metrics", headers=AUTH).text
    assert not [t for t in [*tokens, *ODD_METHODS] if t in text]
    settings_, _ = built
    templates = {route.path for route in create_app(settings_).routes} | {"unmatched"}
    samples = scrape(server)
    routes = {dict(labels)["route"] for (name, labels) in samples if name == "normgraph_http_requests_total"}
    methods = {dict(labels)["method"] for (name, labels) in samples if name == "normgraph_http_requests_total"}
    assert routes <= templates, routes - templates
    assert {"/id/{rest:path}", "unmatched"} <= routes
    assert methods <= {"GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "other"}
    assert "other" in methods


def test_request_ids_are_echoed_when_sane_and_replaced_otherwise(server: Server) -> None:
    sane = "client-req.42:abc"
    assert httpx.get(server.url + "/healthz", headers={"X-Request-Id": sane}).headers["x-request-id"] == sane
    for bad in ["a" * 129, "has spaces in it", "<script>", "-starts-with-dash", b"\xff\xfe-not-ascii"]:
        echoed = httpx.get(server.url + "/healthz", headers={"X-Request-Id": bad}).headers["x-request-id"]
        assert GENERATED_ID.fullmatch(echoed), (bad, echoed)
    ids = {httpx.get(server.url + "/healthz").headers["x-request-id"] for _ in range(5)}
    assert len(ids) == 5 and all(GENERATED_ID.fullmatch(i) for i in ids)
    # errors and streamed answers carry it too
    assert httpx.get(server.url + "/id/actor/no-such-actor", headers={"X-Request-Id": "e-404"}).headers["x-request-id"] == "e-404"
    big = httpx.get(server.url + "/store", headers={"X-Request-Id": "s-1", "Accept": "application/n-quads"}, timeout=30)
    assert big.status_code == 200 and big.headers["x-request-id"] == "s-1"


def test_access_log_is_one_json_line_per_request(server: Server) -> None:
    rid = "log-" + secrets.token_hex(4)
    response = httpx.get(server.url + "/id/actor/france.ttl", headers={"X-Request-Id": rid})
    assert response.status_code == 200
    lines = [line for line in log_lines(server) if line.get("request_id") == rid]
    assert len(lines) == 1
    line = lines[0]
    assert line["logger"] == "normgraph.access" and line["level"] == "info"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", line["time"])
    assert (line["method"], line["path"], line["route"], line["status"]) == ("GET", "/id/actor/france.ttl", "/id/{rest:path}", 200)
    assert line["bytes"] == len(response.content)
    assert line["client"] == "127.0.0.1"
    assert 0 < line["duration_ms"] < 10_000
    # uvicorn's own lines are JSON too (log_lines parsed every line)
    assert any(entry.get("logger", "").startswith("uvicorn") for entry in log_lines(server))


def test_slow_queries_are_logged_with_request_id_and_truncated_text(server: Server) -> None:
    before = scrape(server)
    rid = "slow-" + secrets.token_hex(4)
    query = SLOW + "\n# " + "padding " * 400  # longer than the 2,000 characters the log keeps
    response = httpx.post(server.sparql, data={"query": query}, headers={"X-Request-Id": rid}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.json()["results"]["bindings"][0]["n"]["value"] == str(3000 * 3000)
    fast = "fast-" + secrets.token_hex(4)
    assert httpx.get(server.sparql, params={"query": "ASK {}"}, headers={"X-Request-Id": fast}).status_code == 200
    lines = log_lines(server)
    slow = [line for line in lines if line["logger"] == "normgraph.slow_query" and line["request_id"] == rid]
    assert len(slow) == 1, slow
    assert slow[0]["level"] == "warning" and slow[0]["outcome"] == "ok" and slow[0]["kind"] == "query"
    assert slow[0]["duration_ms"] >= 400
    assert slow[0]["query"].startswith(SLOW) and slow[0]["query"].endswith("…") and len(slow[0]["query"]) == 2001
    assert not [line for line in lines if line["logger"] == "normgraph.slow_query" and line["request_id"] == fast]
    assert value(scrape(server), "normgraph_slow_queries_total") - value(before, "normgraph_slow_queries_total") == 1


def test_exposition_escapes_label_values_and_help() -> None:
    """Label values the service may meet (graph IRIs written through the Graph Store) survive a
    round trip through prometheus-client's parser, quotes, backslashes and newlines included."""
    registry = Registry()
    odd = 'urn:x:"quoted"\\back\nline'
    registry.counter("t_total", "help with \\ and\nnewline", ("graph",)).inc((odd,), 3)
    registry.histogram("t_seconds", "h", buckets=(0.1, 1.0)).observe((), 0.5)
    registry.callback("t_gauge", "g", "gauge", lambda: [({"graph": odd}, 1.5)])
    samples = {(s.name, tuple(sorted(s.labels.items()))): s.value
               for family in text_string_to_metric_families(registry.render()) for s in family.samples}
    assert samples[("t_total", (("graph", odd),))] == 3
    assert samples[("t_gauge", (("graph", odd),))] == 1.5
    assert samples[("t_seconds_bucket", (("le", "0.1"),))] == 0
    assert samples[("t_seconds_bucket", (("le", "1.0"),))] == 1
    assert samples[("t_seconds_bucket", (("le", "+Inf"),))] == 1
    assert samples[("t_seconds_count", ())] == 1 and samples[("t_seconds_sum", ())] == 0.5


def test_an_unexpected_error_is_a_500_with_the_request_id(built: tuple[Settings, BuildResult],
                                                          caplog: pytest.LogCaptureFixture) -> None:
    """A bug in a handler answers 500 with X-Request-Id (the id is in the body and in the logged
    traceback, so an operator can find it) — not Starlette's bare 500 from outside our middleware."""
    from fastapi.testclient import TestClient

    settings_, _ = built
    app = create_app(settings_)

    @app.get("/test-boom")
    async def boom() -> None:
        raise RuntimeError("a bug")

    with caplog.at_level("ERROR", logger="normgraph.api"):
        r = TestClient(app).get("/test-boom", headers={"X-Request-Id": "boom-123"})
    assert r.status_code == 500 and r.headers["x-request-id"] == "boom-123"
    assert "internal error" in r.text and "boom-123" in r.text and "a bug" not in r.text  # no internals to the client
    assert any("boom-123" in rec.getMessage() and rec.exc_info for rec in caplog.records)
