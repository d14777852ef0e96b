"""The soak test in its short form: ``benchmarks.soak`` in a second process drives a real server at
concurrency 32 with the whole mix for 10 s of warm-up and 30 s measured. No 5xx, no 4xx, no
transport error, memory growth under 10 %. The long form is ``python -m benchmarks.soak --duration 600``
(its figures are in docs/benchmarks.md, section Soak)."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

from graph.build import BuildResult
from graph.config import Settings
from tests.servers import ROOT, Server


def test_short_soak_at_concurrency_32(built: tuple[Settings, BuildResult], tmp_path: Path) -> None:
    settings_, _ = built
    data_dir = tmp_path / "var"
    shutil.copytree(settings_.data_dir, data_dir, symlinks=True)
    # the soak's sizing (README, "Operating normgraph"): 4 workers; requests queue for a worker for up
    # to 30 s instead of being shed after 2 s, so that any 503 here means a fault, not load shedding
    server = Server(data_dir, {"NORMGRAPH_WORKERS": "4", "NORMGRAPH_QUEUE_WAIT": "30"})
    out = tmp_path / "soak.json"
    try:
        run = subprocess.run([sys.executable, "-m", "benchmarks.soak", "--url", server.url, "--server-pid", str(server.proc.pid),
                              "--warmup", "10", "--duration", "30", "--concurrency", "32", "--json", str(out)],
                             cwd=ROOT, capture_output=True, text=True, timeout=180)
    finally:
        server.stop()
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(out.read_text())
    assert result["status_5xx"] == 0 and result["status_4xx"] == 0 and result["transport_errors"] == 0
    assert result["requests"] >= 300, result["requests"]  # 30 s at concurrency 32: even a busy machine does far more
    assert set(result["by_kind"]) == {"sparql", "page-html", "page-turtle", "cool-uri", "api", "catalogue", "dump"}
    assert result["by_kind"]["cool-uri"].keys() == {"303"}
    assert all(math.isfinite(result[k]) and result[k] > 0 for k in ("p99_ms_start", "p99_ms_end", "p99_ms"))
    assert result["memory_growth"] < 0.10, result["rss_samples"]
    assert result["rss_start"]["workers"] > 0 and result["rss_start"]["server"] > 0
    metrics = result["metrics"]
    assert metrics['normgraph_rejections_total{reason="saturated"}'] == 0
    assert metrics["normgraph_query_timeouts_total"] == 0
