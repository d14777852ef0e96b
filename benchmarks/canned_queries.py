"""The ready-made queries through the API on the real graph: latency of every
``GET /api/queries/{name}`` (defaults applied), measured from a client on loopback.

    python -m benchmarks.canned_queries [--data-dir DIR] [--runs 25] [--out docs/benchmarks.md]

The graph is the one built from the bundled documents (``--data-dir``, else ``./var`` if it holds
a published dataset, else a fresh build in ``benchmarks/out/canned/var``). The endpoint runs as
``graph.cli serve`` in a subprocess. Each round asks every query once, in catalogue order; the
first round is reported as the cold call (the query's first request to a freshly started
server), the next ``--runs`` rounds as warm calls (nothing is cached between requests, so they
differ from the first only by warmed-up worker processes and OS caches). The engine's own time
(pyoxigraph in-process, same substitutions, union default graph) is measured alongside so that
the HTTP share is visible. ``--out`` replaces the section "Ready-made queries" of that markdown
file (or appends it), leaving every other section as it is."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import httpx

from benchmarks.servers import ROOT, Server
from graph import store
from graph.build import QUERIES_DIR, build
from graph.catalogue import bind, load_catalogue
from graph.config import Settings

SECTION = "## Ready-made queries"
TARGET_MS = 50.0


@dataclass
class Result:
    name: str
    rows: int
    cold: float
    warm: list[float]
    engine: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.warm)

    def quantile(self, q: float) -> float:
        ordered = sorted(self.warm)
        return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def say(message: str) -> None:
    print(f"[canned] {message}", file=sys.stderr, flush=True)


def data_dir(given: Path | None) -> Path:
    for candidate in (given, ROOT / "var"):
        if candidate is not None and store.current_path(candidate) is not None:
            return candidate
    if given is not None:
        raise SystemExit(f"{given} holds no published dataset (run: normgraph build --data-dir {given})")
    target = ROOT / "benchmarks" / "out" / "canned" / "var"
    say(f"building the graph into {target} …")
    build(Settings.from_env(data_dir=target), quiet=True)
    return target


def engine(path: Path) -> Callable[[str], float]:
    """A function timing one in-process run of a query (same substitutions as the API's defaults)."""
    st = store.open_current(path)
    catalogue = {q.name: (q.sparql, bind(q)) for q in load_catalogue(QUERIES_DIR)}

    def run(name: str) -> float:
        sparql, subs = catalogue[name]
        started = time.perf_counter()
        list(st.query(sparql, substitutions=subs, use_default_graph_as_union=True))
        return time.perf_counter() - started

    return run


def measure(url: str, runs: int, in_process: Callable[[str], float]) -> list[Result]:
    """Rounds over the catalogue; in each, every query through the API then in-process (paired,
    so that a change of load on the machine hits both alike)."""
    with httpx.Client(timeout=60) as client:
        names = [q["name"] for q in client.get(url + "/api/queries").json()["queries"]]
        timings: dict[str, list[float]] = {name: [] for name in names}
        engine_timings: dict[str, list[float]] = {name: [] for name in names}
        rows: dict[str, int] = {}
        for round_ in range(runs + 1):
            for name in names:
                started = time.perf_counter()
                response = client.get(f"{url}/api/queries/{name}")
                body = response.json()
                timings[name].append(time.perf_counter() - started)
                if response.status_code != 200:
                    raise SystemExit(f"{name}: status {response.status_code}: {response.text[:200]}")
                rows[name] = len(body["rows"])
                if round_ > 0:
                    engine_timings[name].append(in_process(name))
            say(f"round {round_ + 1}/{runs + 1} done")
    return [Result(name, rows[name], timings[name][0], timings[name][1:], engine_timings[name]) for name in names]


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


def render(results: list[Result], runs: int, meta: dict[str, str]) -> str:
    ordered = sorted(results, key=lambda r: r.median, reverse=True)
    under = [r for r in results if r.median * 1000 < TARGET_MS]
    over = [r for r in ordered if r.median * 1000 >= TARGET_MS]
    medians = [r.median for r in results]
    verdict = ("**Met**: every ready-made query answers in under 50 ms at the median." if not over else
               f"**Not met**: {len(under)} of {len(results)} queries answer in under 50 ms at the median; "
               f"{len(over)} do not: " + ", ".join(f"`{r.name}` ({ms(r.median)} ms)" for r in over) + ".")
    slow_engine = [r for r in over if statistics.median(r.engine) * 1000 >= TARGET_MS]
    lines = [
        SECTION, "",
        "Generated by `benchmarks/canned_queries.py`: every query of `queries/` through `GET /api/queries/{name}` "
        "(defaults applied, JSON answer) on the real graph, from an httpx client on loopback to `graph.cli serve` "
        f"(NORMGRAPH_WORKERS={meta['workers']}). {runs} warm runs per query after one cold call (the first request "
        "of that query to a freshly started server); rounds go through the whole catalogue in turn, so a load "
        "change hits every query alike. *engine* is the same query in-process (pyoxigraph, same substitutions), "
        "run right after each API call.",
        "",
        f"Machine: {meta['machine']}; load average {meta['load_start']} at the start, {meta['load_end']} at the end; "
        f"{meta['date']}; run time {meta['elapsed']} s. Command: `{meta['command']}`.",
        "",
        f"**Target — every ready-made query under 50 ms at the median through the API.** {verdict} "
        f"Median of the medians {ms(statistics.median(medians))} ms; the fastest query {ms(min(medians))} ms.",
    ]
    added = statistics.median(a - b for r in results for a, b in zip(r.warm, r.engine, strict=True))
    lines += ["", f"Where the time goes: the API adds {ms(added)} ms over the in-process engine (median of the paired "
              "differences of all runs: HTTP, the hand-off to a worker process, JSON)."
              + (f" For {len(slow_engine)} of the {len(over)} slow queries the engine alone already takes 50 ms or more "
                 "in-process: their time is the evaluation of the query itself." if over else "")]
    lines += [
        "", "### Slowest ready-made queries (times in ms)", "",
        "| query | rows | cold (1st call) | median | p90 | min | engine median | under 50 ms |",
        "|---|--:|--:|--:|--:|--:|--:|:-:|",
    ]
    for r in ordered[:10]:
        lines.append(f"| `{r.name}` | {r.rows} | {ms(r.cold)} | **{ms(r.median)}** | {ms(r.quantile(0.9))} | "
                     f"{ms(min(r.warm))} | {ms(statistics.median(r.engine))} | {'yes' if r.median * 1000 < TARGET_MS else 'no'} |")
    lines += ["", "<details><summary>All " + str(len(results)) + " queries</summary>", "",
              "| query | rows | cold | median | p90 | engine median |", "|---|--:|--:|--:|--:|--:|"]
    for r in ordered:
        lines.append(f"| `{r.name}` | {r.rows} | {ms(r.cold)} | {ms(r.median)} | {ms(r.quantile(0.9))} | "
                     f"{ms(statistics.median(r.engine))} |")
    lines += ["", "</details>", ""]
    return "\n".join(lines)


def write_section(path: Path, section: str) -> None:
    """Replace this section of the markdown file (up to the next level-2 heading), or append it."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    start = text.find("\n" + SECTION + "\n")
    if start == -1:
        text = text.rstrip("\n") + "\n\n" + section
    else:
        end = text.find("\n## ", start + 1)
        text = text[: start + 1] + section + ("\n" + text[end + 1:] if end != -1 else "")
    path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{cpu}, nproc {os.cpu_count()}"


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data-dir", type=Path, help="a data directory with the published real graph")
    p.add_argument("--runs", type=int, default=25, help="warm runs per query (default 25; at least 20 for the report)")
    p.add_argument("--workers", type=int, default=4, help="NORMGRAPH_WORKERS of the endpoint (default 4)")
    p.add_argument("--out", type=Path, help="markdown file whose section 'Ready-made queries' is written")
    args = p.parse_args(argv)
    started = time.monotonic()
    meta = {"load_start": load_average(), "machine": machine(), "workers": str(args.workers),
            "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "command": "python -m benchmarks.canned_queries " + " ".join(argv if argv is not None else sys.argv[1:])}
    path = data_dir(args.data_dir)
    log_dir = ROOT / "benchmarks" / "out"
    log_dir.mkdir(parents=True, exist_ok=True)
    server = Server("endpoint", ["-m", "graph.cli", "serve", "--data-dir", str(path), "--log-level", "warning"], "/readyz",
                    log_dir / "canned-endpoint.log", {"NORMGRAPH_WORKERS": str(args.workers)})
    try:
        results = measure(server.url, args.runs, engine(path))
    finally:
        server.stop()
    meta["load_end"] = load_average()
    meta["elapsed"] = f"{time.monotonic() - started:.0f}"
    section = render(results, args.runs, meta)
    if args.out:
        write_section(args.out, section)
        say(f"wrote the section to {args.out}")
    else:
        sys.stdout.write(section)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
