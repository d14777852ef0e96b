"""Run the benchmark suite and write the report.

    python -m benchmarks.run --sizes 10000,100000 [--requests N] [--build-runs 3] [--out docs/benchmarks.md]

For each size: generate synthetic data, publish it as a normgraph store, start ``graph.cli serve``
and the minimal baseline app on loopback ports, then measure the query mix at concurrency 1 (the
endpoint, the minimal app and the engine in-process, interleaved; cold and warm) and throughput at
concurrency 8. ``--sizes 1000000`` works too but is a slow run (10–20 minutes)."""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import os
import platform
import re
import shlex
import subprocess
import sys
import time
from importlib import metadata
from pathlib import Path

import httpx
import pyoxigraph as ox

from benchmarks import generate, load
from benchmarks.measure import (
    IN_PROCESS,
    Latency,
    StdlibClient,
    Throughput,
    floor,
    http_call,
    in_process_call,
    latency,
    query_source,
    stdlib_call,
    throughput,
)
from benchmarks.queries import KINDS, Mix, Pools
from benchmarks.report import (
    ENDPOINT,
    ENDPOINT_LIGHT,
    MINIMAL,
    MINIMAL_LIGHT,
    BuildRun,
    Dataset,
    Report,
    SizeResult,
    merge,
    render,
)
from benchmarks.servers import ROOT, Servers
from graph import store

MIXES = {"query mix (10 kinds)": None, "IRI lookup only": "IRI lookup"}
APPS = {ENDPOINT: "endpoint", "minimal app (thread)": "minimal", "minimal app (inline)": "minimal-inline"}


def say(message: str) -> None:
    print(f"[bench] {message}", file=sys.stderr, flush=True)


# -- machine ---------------------------------------------------------------------------------------
def _proc_field(path: str, key: str) -> str:
    try:
        for line in Path(path).read_text().splitlines():
            if line.startswith(key):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def source_digest() -> str:
    """A digest of the code under test (api/ and graph/), to tell which version the figures are for."""
    digest = hashlib.sha256()
    for path in sorted([*ROOT.glob("api/**/*.py"), *ROOT.glob("graph/*.py")]):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def machine_info() -> dict[str, str]:
    mem_kib = _proc_field("/proc/meminfo", "MemTotal").split()[0]
    versions = ", ".join(f"{name} {metadata.version(name)}" for name in ("fastapi", "starlette", "uvicorn", "httpx"))
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "CPU": f"{_proc_field('/proc/cpuinfo', 'model name')}, nproc {os.cpu_count()}",
        "RAM": f"{int(mem_kib) / 1024 / 1024:.1f} GiB" if mem_kib.isdigit() else "unknown",
        "OS": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
        "pyoxigraph": metadata.version("pyoxigraph"),
        "HTTP stack": versions,
        "code measured": f"sha256 of api/ and graph/ sources: {source_digest()}",
        "load average at start": " ".join(f"{x:.2f}" for x in os.getloadavg()),
    }


# -- build of the real corpus ----------------------------------------------------------------------
STAGE = re.compile(r"\[\d+/\d+\] (\w+).*? done \(([\d.]+) s\)")
PUBLISHED = re.compile(r"published (\d+) quads .* in ([\d.]+) s")


def build_once(data_dir: Path) -> BuildRun:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "graph.cli", "build", "--data-dir", str(data_dir)], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(f"build failed:\n{proc.stderr[-3000:]}")
    stages = {name: float(seconds) for name, seconds in STAGE.findall(proc.stderr)}
    published = PUBLISHED.search(proc.stderr)
    if published is None:
        raise RuntimeError(f"unexpected build output:\n{proc.stderr[-3000:]}")
    return BuildRun(stages, float(published.group(2)), wall, int(published.group(1)))


def builds(runs: int, data_dir: Path) -> list[BuildRun]:
    out = []
    for i in range(runs):
        say(f"build of the real corpus {i + 1}/{runs}")
        out.append(build_once(data_dir))
    return out


# -- one size --------------------------------------------------------------------------------------
def directory_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def prepare(size: int, work: Path, seed: int) -> Dataset:
    nquads = work / f"synthetic-{size}.nq"
    data_dir = work / f"data-{size}"
    say(f"generate {size:,} triples → {nquads}")
    start = time.perf_counter()
    with nquads.open("w", encoding="utf-8", newline="\n") as out:
        counts = generate.generate(out, size, seed)
    generated = time.perf_counter() - start
    say(f"publish into {data_dir}")
    start = time.perf_counter()
    path = load.publish_nquads(nquads, data_dir)
    loaded = time.perf_counter() - start
    documents = sum(1 for g in counts if "/graph/document/" in g)
    return Dataset(size, sum(counts.values()), len(counts), documents, directory_bytes(path), generated, loaded)


def warm_up(servers: Servers, clients: dict[str, httpx.Client], pools: Pools, seed: int) -> None:
    """Open connections and run every code path once, with parameters the measurements do not use."""
    mix = Mix(pools, seed + 1000, unique=False)
    for kind in KINDS:
        for _ in range(5):
            query = mix.draw(kind)
            for name in ("endpoint", "minimal-inline", "minimal"):
                clients[name].get(servers[name].sparql, params={"query": query}).raise_for_status()


def throughputs(servers: Servers, pools: Pools, args: argparse.Namespace) -> dict[str, dict[str, list[Throughput]]]:
    mix = Mix(pools, args.seed + 2000, unique=False)
    runs: dict[str, dict[str, list[Throughput]]] = {name: {app: [] for app in APPS} for name in MIXES}
    for r in range(args.rounds):
        for mix_name, kind in MIXES.items():
            order = list(APPS)[r % len(APPS):] + list(APPS)[:r % len(APPS)]
            for app in order:
                say(f"throughput round {r + 1}/{args.rounds}: {mix_name}, {app}")
                runs[mix_name][app].append(throughput(servers[APPS[app]], query_source(mix, kind), args.concurrency,
                                                      args.duration))
    return runs


def measure_latency(servers: Servers, engine: ox.Store, pools: Pools, args: argparse.Namespace,
                    size: int) -> tuple[Latency, dict[str, float]]:
    """Floors, then the query mix at concurrency 1 through httpx and http.client and in-process."""
    clients = {name: httpx.Client(timeout=60) for name in ("endpoint", "minimal", "minimal-inline")}
    light = {name: StdlibClient(servers[name].url) for name in ("endpoint", "minimal-inline")}
    try:
        warm_up(servers, clients, pools, args.seed)
        minimal, endpoint = servers["minimal-inline"], servers["endpoint"]
        floors = {"minimal /ping": floor(lambda: clients["minimal-inline"].get(minimal.url + "/ping")),
                  "endpoint /healthz": floor(lambda: clients["endpoint"].get(endpoint.url + "/healthz")),
                  "minimal /ping, http.client": floor(lambda: light["minimal-inline"].get("/ping"))}
        calls = {IN_PROCESS: in_process_call(engine),
                 MINIMAL: http_call(clients["minimal-inline"], minimal.sparql),
                 ENDPOINT: http_call(clients["endpoint"], endpoint.sparql),
                 MINIMAL_LIGHT: stdlib_call(light["minimal-inline"], "/sparql"),
                 ENDPOINT_LIGHT: stdlib_call(light["endpoint"], "/sparql")}
        mix = Mix(pools, args.seed)
        lat = latency(calls, mix, args.requests, args.warm_repeats, lambda m: say(f"{size:,}: {m}"))
        lat.repeats = mix.repeats
    finally:
        for client in clients.values():
            client.close()
        for connection in light.values():
            connection.close()
    return lat, floors


def bench_size(size: int, args: argparse.Namespace) -> SizeResult:
    data = prepare(size, args.work_dir, args.seed)
    data_dir = args.work_dir / f"data-{size}"
    engine = store.open_current(data_dir)
    pools = Pools.from_store(engine)
    say(f"start the endpoint ({args.workers} workers) and the minimal app")
    with Servers(data_dir, args.work_dir, args.workers) as servers:
        lat, floors = measure_latency(servers, engine, pools, args, size)
        thr = throughputs(servers, pools, args)
    return SizeResult(data, lat, floors, thr, args.concurrency, args.workers)


# -- command line ----------------------------------------------------------------------------------
def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="10000,100000", help="triples per dataset, comma-separated (default 10000,100000)")
    p.add_argument("--requests", type=int, default=60, help="distinct queries per kind at concurrency 1 (default 60)")
    p.add_argument("--warm-repeats", type=int, default=3, help="repeats of each query for the warm figures (default 3)")
    p.add_argument("--concurrency", type=int, default=8, help="clients in the throughput runs (default 8)")
    p.add_argument("--duration", type=float, default=3.0, help="seconds per throughput run (default 3)")
    p.add_argument("--rounds", type=int, default=4, help="throughput runs per server and request mix (default 4)")
    p.add_argument("--workers", type=int, default=4, help="NORMGRAPH_WORKERS of the endpoint (default 4)")
    p.add_argument("--build-runs", type=int, default=0, help="also time N builds of the real corpus (default 0)")
    p.add_argument("--build-dir", type=Path, help="data dir of those builds (default: WORK_DIR/build)")
    p.add_argument("--seed", type=int, default=1, help="seed of the data and of the query parameters (default 1)")
    p.add_argument("--work-dir", type=Path, default=ROOT / "benchmarks" / "out", help="generated data, stores, logs")
    p.add_argument("--out", type=Path, help="write the markdown report here (default: standard output)")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    args.work_dir.mkdir(parents=True, exist_ok=True)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    command = "python -m benchmarks.run " + shlex.join(sys.argv[1:] if argv is None else argv)
    started = time.perf_counter()
    machine = machine_info()
    build_runs = builds(args.build_runs, args.build_dir or args.work_dir / "build") if args.build_runs else []
    results = [bench_size(size, args) for size in sizes]
    machine["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    machine["run time"] = f"{time.perf_counter() - started:.0f} s"
    text = render(Report(machine, command, results, build_runs))
    if args.out:  # sections written by other benchmarks (e.g. benchmarks.canned_queries) are kept
        previous = args.out.read_text(encoding="utf-8") if args.out.exists() else None
        args.out.write_text(merge(previous, text), encoding="utf-8")
        say(f"wrote {args.out}")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
