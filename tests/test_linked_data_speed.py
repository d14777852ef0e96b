"""Benchmark of the linked-data pages on the real graph (issue 4's targets): the median HTML
page renders in at most 10 ms and the median RDF document in at most 5 ms.

"Render" is the server's own time for a document (query through the worker pool, building the
page, serialising), reported in the Server-Timing header; the time the client sees is recorded
alongside. The sample is every 7th resource IRI of the graph (a few hundred resources of every
kind), after one warm-up pass. The figures and the machine go to tests/artifacts/.

The machine running the tests may be shared: NORMGRAPH_LD_BENCH_SLACK (default 1.5) multiplies
the targets in the assertions; the report always states the unmultiplied targets."""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from graph.build import BuildResult
from graph.config import Settings
from tests.servers import Server

ID = "https://w3id.org/normgraph/id/"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
TARGETS = {"html": 10.0, "ttl": 5.0, "jsonld": 5.0, "nt": 5.0}
SLACK = float(os.environ.get("NORMGRAPH_LD_BENCH_SLACK", "1.5"))


@pytest.fixture(scope="module")
def served(built: tuple[Settings, BuildResult], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    settings, _ = built
    data_dir = tmp_path_factory.mktemp("ld-speed") / "var"
    shutil.copytree(settings.data_dir, data_dir, symlinks=True)
    server = Server(data_dir)
    yield server
    server.stop()


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))]


@pytest.mark.slow
def test_median_render_times_meet_the_targets(served: Server, oxstore: ox.Store) -> None:
    iris = sorted({q.subject.value for q in oxstore.quads_for_pattern(None, None, None, None)
                   if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(ID)})
    sample = iris[::7]
    client = httpx.Client(base_url=served.url, timeout=60)
    results: dict[str, dict[str, float]] = {}
    load_before = os.getloadavg()
    for suffix in TARGETS:
        for warm in (True, False):
            server_ms, client_ms = [], []
            for iri in sample:
                path = "/id/" + iri[len(ID):] + "." + suffix
                started = time.perf_counter()
                r = client.get(path)
                elapsed = (time.perf_counter() - started) * 1000
                assert r.status_code == 200, path
                if not warm:
                    server_ms.append(float(re.search(r"dur=([\d.]+)", r.headers["server-timing"]).group(1)))
                    client_ms.append(elapsed)
            if not warm:
                results[suffix] = {
                    "n": len(server_ms), "server_median_ms": round(statistics.median(server_ms), 2),
                    "server_p95_ms": round(percentile(server_ms, 0.95), 2), "client_median_ms": round(statistics.median(client_ms), 2),
                    "client_p95_ms": round(percentile(client_ms, 0.95), 2), "target_ms": TARGETS[suffix]}
    report = {"machine": {"cpu_count": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version(),
                          "load_before": [round(x, 2) for x in load_before],
                          "load_after": [round(x, 2) for x in os.getloadavg()]},
              "resources": len(iris), "sample": len(sample), "results": results}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "linked-data-benchmark.json").write_text(json.dumps(report, indent=2))
    lines = ["| document | n | server median | server p95 | client median | client p95 | target (median) |",
             "|---|--:|--:|--:|--:|--:|--:|"]
    for suffix, r in results.items():
        lines.append(f"| .{suffix} | {r['n']} | {r['server_median_ms']} ms | {r['server_p95_ms']} ms | {r['client_median_ms']} ms | "
                     f"{r['client_p95_ms']} ms | ≤ {r['target_ms']:g} ms |")
    (ARTIFACTS / "linked-data-benchmark.md").write_text("\n".join(lines) + "\n")
    print("\n" + "\n".join(lines))
    for suffix, r in results.items():
        assert r["server_median_ms"] <= r["target_ms"] * SLACK, (suffix, r)
