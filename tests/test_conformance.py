"""The W3C SPARQL 1.1 query-evaluation tests, end to end through our HTTP endpoint (data in
through the Graph Store Protocol, queries through the Protocol), against the same engine
in-process, in the same run: the endpoint must lose nothing, overall and per category."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from tests.servers import Server

RUNNER = Path(__file__).resolve().parents[2] / "shared" / "conformance" / "run_query_suite.py"
TOKEN = "conformance-token"


def passed_by_category(report: Path) -> tuple[Counter[str], set[str]]:
    data = json.loads(report.read_text(encoding="utf-8"))
    passed = Counter(t["category"] for t in data["tests"] if t["status"] == "pass")
    names = {t["iri"] for t in data["tests"] if t["status"] == "pass"}
    return passed, names


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    assert RUNNER.exists(), f"the W3C conformance runner is expected at {RUNNER}"
    tmp = tmp_path_factory.mktemp("conformance")
    in_process = tmp / "in-process.json"
    subprocess.run([sys.executable, str(RUNNER), "--engine", "pyoxigraph", "--json", str(in_process)],
                   check=True, capture_output=True, timeout=900)
    # the W3C tests put data in the store's own default graph: serve it as the default graph
    server = Server(tmp / "var", {"NORMGRAPH_WRITE_TOKEN": TOKEN, "NORMGRAPH_DEFAULT_GRAPH": "default",
                                  "NORMGRAPH_ROW_CAP": "0"}, empty=True)
    endpoint = tmp / "endpoint.json"
    try:
        out = subprocess.run([sys.executable, str(RUNNER), "--endpoint", server.sparql, "--gsp", server.store,
                              "--token", TOKEN, "--json", str(endpoint)], capture_output=True, text=True, timeout=1500)
    finally:
        server.stop()
    assert out.returncode == 0, out.stderr[-2000:]
    print(out.stdout)
    return in_process, endpoint


def test_endpoint_passes_every_test_the_engine_passes(reports: tuple[Path, Path]) -> None:
    in_process, endpoint = reports
    engine_passed, engine_names = passed_by_category(in_process)
    http_passed, http_names = passed_by_category(endpoint)
    lost = sorted(engine_names - http_names)
    assert not lost, f"lost in the HTTP layer: {lost}"
    assert sum(http_passed.values()) >= sum(engine_passed.values()) >= 491
    for category, n in engine_passed.items():
        assert http_passed[category] >= n, category
