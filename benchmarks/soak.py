"""Soak test: a mixed load at concurrency 32 against a real ``normgraph serve`` on loopback.

    python -m benchmarks.soak --duration 600 [--warmup 30] [--data-dir var] [--out docs/benchmarks.md]
    python -m benchmarks.soak --url http://127.0.0.1:8000 --server-pid PID --duration 30 --json out.json

The load generator is this process (threads with the standard library's ``http.client``, one
persistent connection each); the server is another process, started here unless ``--url`` names a
running one. The mix: SPARQL queries with varying parameters (GET and POST; SELECT, ASK,
CONSTRUCT, aggregates, text filters), linked-data pages (HTML and Turtle documents, and the 303 of
cool URIs), the ready-made query API with varying parameters and its catalogue, and the dumps.

Reported: requests by kind and status, p99 latency over the first and the last window of the
measured run, and resident memory (server plus query workers, from /proc) after the warm-up and
at the end. It fails (exit 1) on any 5xx, any transport error, or memory growth of 10 % or more."""

from __future__ import annotations

import argparse
import datetime as dt
import http.client
import json
import os
import random
import shlex
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from benchmarks.servers import ROOT, Server

SECTION = "## Soak"
MAX_GROWTH = 0.10
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
WORDS = ["cyber", "state", "norm", "responsib", "private", "security", "critical", "report", "dialogue", "law", "zzqx"]


# -- the server's memory ---------------------------------------------------------------------------
def _parent_and_rss(pid: str) -> tuple[int, int] | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        statm = Path(f"/proc/{pid}/statm").read_text().split()
    except OSError:
        return None
    return int(stat[stat.rindex(")") + 2:].split()[1]), int(statm[1]) * os.sysconf("SC_PAGE_SIZE")


def tree_rss(root: int) -> tuple[int, int]:
    """(resident bytes of the process, of all its descendants: the query workers)."""
    procs = {int(p): s for p in os.listdir("/proc") if p.isdigit() and (s := _parent_and_rss(p)) is not None}
    own = procs.get(root, (0, 0))[1]
    children, frontier = 0, [root]
    while frontier:
        pid = frontier.pop()
        for child, (parent, rss) in procs.items():
            if parent == pid:
                children += rss
                frontier.append(child)
    return own, children


# -- what to ask -----------------------------------------------------------------------------------
@dataclass
class Request:
    kind: str
    method: str
    path: str
    body: bytes | None = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Corpus:
    """Things to vary requests over, read from the server itself before the load starts."""

    resources: list[str]  # local paths of resources: /id/…
    iris: list[str]
    classes: list[str]
    queries: list[dict[str, Any]]  # the ready-made queries' catalogue entries
    dumps: list[str]


def fetch_json(base: str, path: str, params: dict[str, str] | None = None) -> Any:
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
    try:
        conn.request("GET", path + ("?" + urlencode(params) if params else ""), headers={"Accept": "application/json"})
        response = conn.getresponse()
        body = response.read()
        if response.status != 200:
            raise RuntimeError(f"GET {path}: {response.status} {body[:200]!r}")
        return json.loads(body)
    finally:
        conn.close()


def discover(base: str) -> Corpus:
    rows = fetch_json(base, "/sparql", {"query": "SELECT DISTINCT ?s WHERE { ?s a ?c } LIMIT 20000"})["results"]["bindings"]
    iris = sorted({r["s"]["value"] for r in rows if r["s"]["type"] == "uri" and "/id/" in r["s"]["value"] and "#" not in r["s"]["value"]})
    rng = random.Random(7)  # noqa: S311 - a reproducible sample, not a secret
    sample = rng.sample(iris, min(500, len(iris)))
    classes = [r["c"]["value"] for r in fetch_json(base, "/sparql", {
        "query": "SELECT ?c (COUNT(?s) AS ?n) WHERE { ?s a ?c } GROUP BY ?c ORDER BY DESC(?n) LIMIT 40"})["results"]["bindings"]]
    catalogue = fetch_json(base, "/api/queries")["queries"]
    dumps = ["normgraph.nq.gz", "normgraph.ttl", "normgraph.trig", "normgraph.jsonld", "SHA256SUMS"]
    return Corpus(["/id/" + i.split("/id/", 1)[1] for i in sample], sample, classes, catalogue, dumps)


def sparql_request(rng: random.Random, corpus: Corpus) -> Request:
    iri, cls = rng.choice(corpus.iris), rng.choice(corpus.classes)
    shapes = [
        (f"SELECT ?p ?o WHERE {{ <{iri}> ?p ?o }} LIMIT {rng.randint(5, 200)}", "application/sparql-results+json"),
        (f"SELECT ?s WHERE {{ ?s a <{cls}> }} ORDER BY ?s LIMIT {rng.randint(5, 50)} OFFSET {rng.randint(0, 100)}", "text/csv"),
        (f"ASK {{ <{iri}> ?p ?o }}", "application/sparql-results+json"),
        (f"CONSTRUCT {{ <{iri}> ?p ?o }} WHERE {{ <{iri}> ?p ?o }}", "text/turtle"),
        (f"SELECT (COUNT(*) AS ?n) WHERE {{ ?s a <{cls}> }}", "application/sparql-results+xml"),
        (f'SELECT ?s ?l WHERE {{ ?s <{RDFS}label> ?l FILTER(CONTAINS(LCASE(STR(?l)), "{rng.choice(WORDS)}")) }} LIMIT 20',
         "application/sparql-results+json"),
        (f"SELECT ?s ?p WHERE {{ ?s ?p <{iri}> }} LIMIT {rng.randint(10, 100)}", "text/tab-separated-values"),
        (f"DESCRIBE <{iri}>", "application/n-triples"),
    ]
    query, accept = rng.choice(shapes)
    if rng.random() < 0.5:
        return Request("sparql", "GET", "/sparql?" + urlencode({"query": query}), headers={"Accept": accept})
    return Request("sparql", "POST", "/sparql", urlencode({"query": query}).encode(),
                   {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"})


def api_request(rng: random.Random, corpus: Corpus) -> Request:
    entry = rng.choice(corpus.queries)
    params: dict[str, str] = {}
    for param in entry.get("params") or []:
        values = param.get("enum") or []
        if values:
            if rng.random() < 0.7:
                params[param["name"]] = str(rng.choice(values))
        elif param.get("type") == "iri" and rng.random() < 0.3:
            params[param["name"]] = rng.choice(corpus.iris)  # often no answer: still a valid request
    query = ("?" + urlencode(params)) if params else ""
    return Request("api", "GET", f"/api/queries/{entry['name']}{query}", headers={"Accept": "application/json"})


def next_request(rng: random.Random, corpus: Corpus) -> Request:
    roll = rng.random()
    if roll < 0.40:
        return sparql_request(rng, corpus)
    if roll < 0.60:
        return Request("page-html", "GET", rng.choice(corpus.resources) + ".html", headers={"Accept": "text/html"})
    if roll < 0.75:
        return Request("page-turtle", "GET", rng.choice(corpus.resources) + ".ttl", headers={"Accept": "text/turtle"})
    if roll < 0.80:
        accept = rng.choice(["text/html", "text/turtle", "application/ld+json"])
        return Request("cool-uri", "GET", rng.choice(corpus.resources), headers={"Accept": accept})
    if roll < 0.95:
        return api_request(rng, corpus)
    if roll < 0.97:
        return Request("catalogue", "GET", "/api/queries", headers={"Accept": "application/json"})
    return Request("dump", "GET", "/dumps/" + rng.choice(corpus.dumps))


# -- the load --------------------------------------------------------------------------------------
@dataclass
class Sample:
    at: float  # seconds since the load started
    kind: str
    status: int  # 0: transport error
    seconds: float


class Client(threading.Thread):
    def __init__(self, base: str, corpus: Corpus, seed: int, stop_at: float, started: float) -> None:
        super().__init__(daemon=True)
        parts = urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.corpus = corpus
        self.rng = random.Random(seed)  # noqa: S311 - reproducible request mixes, not secrets
        self.stop_at = stop_at
        self.started = started
        self.samples: list[Sample] = []
        self.errors: list[str] = []

    def run(self) -> None:
        conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
        while (now := time.monotonic()) < self.stop_at:
            req = next_request(self.rng, self.corpus)
            try:
                conn.request(req.method, req.path, body=req.body, headers=req.headers)
                response = conn.getresponse()
                response.read()
                status = response.status
                if response.getheader("connection", "").lower() == "close":
                    conn.close()
            except (OSError, http.client.HTTPException) as exc:
                status = 0
                self.errors.append(f"{req.method} {req.path[:120]}: {type(exc).__name__}: {exc}")
                conn.close()
                conn = http.client.HTTPConnection(self.host, self.port, timeout=120)
            self.samples.append(Sample(now - self.started, req.kind, status, time.monotonic() - now))
        conn.close()


def p99(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))]


def run_load(base: str, pid: int, corpus: Corpus, concurrency: int, warmup: float, duration: float) -> dict[str, Any]:
    # one request for each dump and the catalogue first: the server builds and caches them once per
    # dataset, which is growth by design and belongs before the memory baseline
    idle = tree_rss(pid)
    parts = urlsplit(base)
    for name in corpus.dumps:
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)
        conn.request("GET", "/dumps/" + name)
        conn.getresponse().read()
        conn.close()
    started = time.monotonic()
    stop_at = started + warmup + duration
    clients = [Client(base, corpus, seed, stop_at, started) for seed in range(1, concurrency + 1)]
    for client in clients:
        client.start()
    memory: list[tuple[float, int, int]] = []
    while time.monotonic() < stop_at:
        at = time.monotonic() - started
        if at >= warmup:
            memory.append((at, *tree_rss(pid)))
        time.sleep(min(5.0, max(0.05, stop_at - time.monotonic())))
    for client in clients:
        client.join(timeout=180)
    memory.append((time.monotonic() - started, *tree_rss(pid)))
    everything = [s for c in clients for s in c.samples]
    errors = [e for c in clients for e in c.errors]
    result = summarise(everything, errors, memory, concurrency, warmup, duration)
    result["rss_idle"] = {"server": idle[0], "workers": idle[1], "total": sum(idle)}
    return result


def summarise(everything: list[Sample], errors: list[str], memory: list[tuple[float, int, int]], concurrency: int,
              warmup: float, duration: float) -> dict[str, Any]:
    """Statuses and errors over the whole run, warm-up included (a 5xx is a 5xx); latency and
    throughput over the measured part only."""
    samples = [s for s in everything if s.at >= warmup]
    window = min(60.0, duration / 4)
    first = [s.seconds for s in samples if s.at < warmup + window]
    last = [s.seconds for s in samples if s.at >= warmup + duration - window]
    by_kind: dict[str, dict[str, int]] = {}
    for s in everything:
        by_kind.setdefault(s.kind, {}).setdefault(str(s.status), 0)
        by_kind[s.kind][str(s.status)] += 1
    start_rss, end_rss = memory[0][1] + memory[0][2], memory[-1][1] + memory[-1][2]
    latency_by_kind = {}
    for kind in sorted({s.kind for s in samples}):
        times = sorted(s.seconds for s in samples if s.kind == kind)
        latency_by_kind[kind] = {"n": len(times), "p50_ms": round(times[len(times) // 2] * 1000, 1),
                                 "p99_ms": round(p99(times) * 1000, 1)}
    return {
        "latency_by_kind": latency_by_kind,
        "concurrency": concurrency, "warmup_s": warmup, "duration_s": duration, "requests": len(samples),
        "throughput_rps": round(len(samples) / duration, 1),
        "requests_with_warmup": len(everything),
        "status_5xx": sum(1 for s in everything if s.status >= 500),
        "status_4xx": sum(1 for s in everything if 400 <= s.status < 500),
        "transport_errors": len(errors), "error_examples": errors[:5],
        "by_kind": by_kind, "window_s": window,
        "p99_ms_start": round(p99(first) * 1000, 1), "p99_ms_end": round(p99(last) * 1000, 1),
        "p50_ms": round(sorted(s.seconds for s in samples)[len(samples) // 2] * 1000, 1) if samples else None,
        "p99_ms": round(p99([s.seconds for s in samples]) * 1000, 1),
        "rss_start": {"server": memory[0][1], "workers": memory[0][2], "total": start_rss},
        "rss_end": {"server": memory[-1][1], "workers": memory[-1][2], "total": end_rss},
        "rss_max_total": max(m[1] + m[2] for m in memory),
        "memory_growth": round(end_rss / start_rss - 1, 4) if start_rss else None,
        "rss_samples": [(round(a, 1), s + w) for a, s, w in memory],
    }


def failures(result: dict[str, Any]) -> list[str]:
    out = []
    if result["status_5xx"]:
        out.append(f"{result['status_5xx']} responses with a 5xx status")
    if result["status_4xx"]:  # every request of the mix is valid: a 4xx is a bug on one side or the other
        out.append(f"{result['status_4xx']} responses with a 4xx status")
    if result["transport_errors"]:
        out.append(f"{result['transport_errors']} transport errors, e.g. {result['error_examples'][:2]}")
    if result["memory_growth"] is None or result["memory_growth"] >= MAX_GROWTH:
        out.append(f"resident memory grew by {result['memory_growth']!r} (limit {MAX_GROWTH:.0%})")
    if not result["requests"]:
        out.append("no request was measured")
    return out


def scrape(base: str) -> dict[str, float]:
    """The counters an operator would watch, from /metrics (public on the soak's server)."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    conn.request("GET", "/metrics")
    text = conn.getresponse().read().decode()
    conn.close()
    wanted = ("normgraph_rejections_total", "normgraph_query_timeouts_total", "normgraph_worker_restarts_total")
    values: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith(wanted):
            name, value = line.rsplit(" ", 1)
            values[name] = float(value)
    return values


# -- the report ------------------------------------------------------------------------------------
def mib(n: int) -> str:
    return f"{n / 1048576:.1f}"


def section(result: dict[str, Any], command: str, note: str) -> str:
    rs, re_ = result["rss_start"], result["rss_end"]
    lines = [
        SECTION, "",
        "Generated by `benchmarks/soak.py`: a load generator in its own process (32 threads, `http.client`, one "
        "persistent connection each) against `graph.cli serve` on loopback, on the real graph. The mix: 40 % SPARQL "
        "queries with varying parameters (GET and POST; SELECT, ASK, CONSTRUCT, DESCRIBE, aggregates, text filters; "
        "JSON, XML, CSV, TSV, Turtle, N-Triples), 35 % linked-data documents (HTML, Turtle), 5 % cool URIs (303), "
        "15 % ready-made queries with varying parameters, 2 % the catalogue, 3 % dumps. Memory is the resident set "
        "(VmRSS) of the server process and its query workers, from /proc, after the warm-up and at the end.", "",
        f"Command: `{command}`. {note}", "",
        "| measure | value |", "|---|--:|",
        f"| warm-up, then measured | {result['warmup_s']:g} s, {result['duration_s']:g} s |",
        f"| requests measured (throughput) | {result['requests']:,} ({result['throughput_rps']:g}/s) |",
        f"| 5xx responses / transport errors, warm-up included ({result['requests_with_warmup']:,} requests) | "
        f"**{result['status_5xx']}** / **{result['transport_errors']}** |",
        f"| 4xx responses (every request of the mix is valid) | {result['status_4xx']} |",
        f"| latency p50 / p99, whole run | {result['p50_ms']} ms / {result['p99_ms']} ms |",
        f"| p99 latency, first {result['window_s']:g} s → last {result['window_s']:g} s | "
        f"{result['p99_ms_start']} ms → {result['p99_ms_end']} ms |",
        f"| resident memory before the load, idle (server + workers) | {mib(result['rss_idle']['total'])} MiB |",
        f"| resident memory after warm-up (server + workers) | {mib(rs['total'])} MiB ({mib(rs['server'])} + {mib(rs['workers'])}) |",
        f"| resident memory at the end (server + workers) | {mib(re_['total'])} MiB ({mib(re_['server'])} + {mib(re_['workers'])}) |",
        f"| memory growth (limit {MAX_GROWTH:.0%}) | **{result['memory_growth'] * 100:+.1f} %** "
        f"(peak {mib(result['rss_max_total'])} MiB) |",
    ]
    metrics = result.get("metrics") or {}
    if metrics:
        lines.append("| from /metrics at the end | " + ", ".join(f"`{k}` {v:g}" for k, v in sorted(metrics.items())) + " |")
    lines += ["", "| kind (measured part) | requests | p50 ms | p99 ms |", "|---|--:|--:|--:|"]
    lines += [f"| {kind} | {v['n']:,} | {v['p50_ms']} | {v['p99_ms']} |" for kind, v in result["latency_by_kind"].items()]
    lines += ["", "Requests by kind and status, warm-up included: " + "; ".join(
        f"{kind} " + ", ".join(f"{status}: {n:,}" for status, n in sorted(counts.items()))
        for kind, counts in sorted(result["by_kind"].items())) + ".", ""]
    verdict = failures(result)
    lines += ["**Result: " + ("passed" if not verdict else "failed: " + "; ".join(verdict)) + ".**", ""]
    return "\n".join(lines)


def write_section(path: Path, text: str) -> None:
    """Replace the Soak section of the report (up to the next level-2 heading), or append it; the
    other sections are kept (benchmarks/run.py likewise keeps this one when it rewrites its own)."""
    doc = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    start = doc.find("\n" + SECTION + "\n")
    if start == -1:
        doc = doc.rstrip("\n") + "\n\n" + text
    else:
        end = doc.find("\n## ", start + 1)
        doc = doc[: start + 1] + text + ("\n" + doc[end + 1:] if end != -1 else "")
    path.write_text(doc.rstrip("\n") + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.soak", description=__doc__.split("\n\n")[0])
    p.add_argument("--duration", type=float, default=600, help="measured seconds (after the warm-up)")
    p.add_argument("--warmup", type=float, default=30, help="seconds of load before the memory baseline")
    p.add_argument("--concurrency", type=int, default=32)
    p.add_argument("--url", help="a running server (else one is started on --data-dir)")
    p.add_argument("--server-pid", type=int, help="its process id, for memory (with --url)")
    p.add_argument("--data-dir", type=Path, default=ROOT / "var", help="published data to serve (built first if empty)")
    p.add_argument("--workers", type=int, default=4, help="NORMGRAPH_WORKERS of the started server")
    p.add_argument("--queue-wait", type=float, default=30, help="NORMGRAPH_QUEUE_WAIT of the started server (see the README)")
    p.add_argument("--json", type=Path, help="write the figures as JSON here")
    p.add_argument("--out", type=Path, help="write the Soak section of this markdown report (e.g. docs/benchmarks.md)")
    p.add_argument("--note", default="", help="a sentence for the report (e.g. how busy the machine was)")
    args = p.parse_args(argv)
    if args.url and not args.server_pid:
        p.error("--url needs --server-pid (memory is read from /proc)")
    server = None
    if not args.url:
        log = Path(tempfile.gettempdir()) / f"normgraph-soak-{os.getpid()}.log"
        print(f"[soak] starting the server on {args.data_dir} (log: {log})", file=sys.stderr)
        server = Server("endpoint", ["-m", "graph.cli", "serve", "--data-dir", str(args.data_dir), "--log-level", "warning"],
                        "/readyz", log, {"NORMGRAPH_WORKERS": str(args.workers), "NORMGRAPH_QUEUE_WAIT": str(args.queue_wait)})
        args.url, args.server_pid = server.url, server.proc.pid
    load_before = os.getloadavg()
    try:
        corpus = discover(args.url)
        print(f"[soak] {len(corpus.resources)} resources, {len(corpus.classes)} classes, {len(corpus.queries)} ready-made "
              f"queries; {args.concurrency} clients for {args.warmup:g} + {args.duration:g} s", file=sys.stderr)
        result = run_load(args.url, args.server_pid, corpus, args.concurrency, args.warmup, args.duration)
        result["metrics"] = scrape(args.url)
    finally:
        if server is not None:
            server.stop()
    load_after = os.getloadavg()
    result["load_average"] = {"before": load_before, "after": load_after}
    if args.json:
        args.json.write_text(json.dumps(result, indent=2), encoding="utf-8")
    if args.out:
        when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
        note = (f"Machine: {os.cpu_count()} cores, shared; load average {' '.join(f'{x:.2f}' for x in load_before)} before, "
                f"{' '.join(f'{x:.2f}' for x in load_after)} after; {when}. {args.note}").strip()
        given = list(argv if argv is not None else sys.argv[1:])
        for option in ("--note", "--json"):  # the note is printed anyway; the JSON file is a local detail
            while option in given:
                del given[given.index(option):given.index(option) + 2]
        command = shlex.join(["python", "-m", "benchmarks.soak", *given])
        write_section(args.out, section(result, command, note))
    verdict = failures(result)
    print(json.dumps({k: v for k, v in result.items() if k not in ("rss_samples", "by_kind")}, indent=1), file=sys.stderr)
    print("[soak] " + ("passed" if not verdict else "FAILED: " + "; ".join(verdict)), file=sys.stderr)
    return 0 if not verdict else 1


if __name__ == "__main__":
    raise SystemExit(main())
