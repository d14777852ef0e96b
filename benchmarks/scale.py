"""The scale benchmark: the embedded store and Virtuoso at ~1M and ~10M triples.

    python -m benchmarks.scale --sizes 1000000,10000000 --out docs/scaling.md

For each size: generate N-Quads (streamed to a file), then

- *embedded*: ``normgraph load`` into a fresh data directory (a child process: its wall time and
  peak RSS from ``wait4``), the store's size on disk, then ``normgraph serve`` on loopback and
  the query mix of ``benchmarks.queries`` at concurrency 1 (cold: first request with a parameter;
  warm: the same request repeated) and at concurrency 8 (closed loop, a fresh query each time),
  plus the resource pages ``/id/….html`` (cold, warm, and the first page after start);
- *Virtuoso*: a private ``virtuoso-t`` (``tests/virtuoso.py``) loads the same file with its bulk
  loader (``ld_dir`` + ``rdf_loader_run`` + ``checkpoint`` through isql), its peak RSS (VmHWM)
  and database size, and the same queries against its ``/sparql``.

Results go to ``{work-dir}/scale-{size}.json`` (so sizes can be run separately, e.g. 10M in the
background) and the report section of ``--out`` between the ``scale:begin``/``scale:end`` markers
is rewritten from every JSON found for ``--sizes`` (the prose around it is kept)."""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import random
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pyoxigraph as ox

from benchmarks.build_scaling import run as run_build_scaling
from benchmarks.generate import generate
from benchmarks.measure import ACCEPT, StdlibClient, median, p99, size_of
from benchmarks.queries import KINDS, Mix, Pools
from benchmarks.servers import ROOT, Server, tree_cpu_seconds
from graph import store

BEGIN, END = "<!-- scale:begin -->", "<!-- scale:end -->"
ID_PREFIX = "https://w3id.org/normgraph/id/"
FIRST_PAGE_TIMEOUT = 600.0
TARGETS = {"load_seconds": 60.0, "peak_mb": 2048.0, "iri_ms": 5.0, "page_ms": 5.0}


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def du(path: Path) -> int:
    """Bytes allocated on disk under ``path`` (hard links counted once)."""
    seen: set[tuple[int, int]] = set()
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            st = os.lstat(os.path.join(root, name))
            if (st.st_dev, st.st_ino) not in seen:
                seen.add((st.st_dev, st.st_ino))
                total += st.st_blocks * 512
    return total


def run_child(args: list[str], log_path: Path) -> tuple[float, float, float, int]:
    """(wall seconds, CPU seconds, peak RSS in MB, exit status) of a child process, from ``wait4``.
    CPU time is the figure that does not depend on what else the shared machine is doing."""
    with log_path.open("w") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(args, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
    return seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, proc.returncode


# -- measuring one SPARQL endpoint -----------------------------------------------------------------
def stats(values: list[float]) -> dict[str, Any]:
    ms = [v * 1000 for v in values]
    return {"n": len(ms), "median_ms": median(ms), "p99_ms": p99(ms)}


def sparql_get(client: StdlibClient, path: str) -> Callable[[str], tuple[float, int, bytes, str]]:
    def call(query: str) -> tuple[float, int, bytes, str]:
        return client.get(f"{path}?{urlencode({'query': query})}", ACCEPT)
    return call


def latency_c1(call: Callable[[str], tuple[float, int, bytes, str]], pools: Pools, seed: int, requests: int,
               warm_repeats: int) -> dict[str, Any]:
    """Per kind: ``requests`` distinct queries, each sent once (cold) then ``warm_repeats`` times (warm)."""
    mix = Mix(pools, seed)
    out: dict[str, Any] = {}
    for kind in KINDS:
        cold: list[float] = []
        warm: list[float] = []
        rows: list[int] = []
        errors: list[str] = []
        for _ in range(requests):
            query = mix.draw(kind)
            seconds, status, body, media_type = call(query)
            if status != 200:
                errors.append(f"{status}: {body[:200].decode('utf-8', 'replace')}")
                continue
            cold.append(seconds)
            try:
                rows.append(size_of(body, media_type))
            except Exception:  # a body this client cannot count is reported, not fatal
                rows.append(-1)
            warm.extend(call(query)[0] for _ in range(warm_repeats))
        out[kind] = {"cold": stats(cold), "warm": stats(warm), "rows_median": median([float(r) for r in rows]),
                     "rows": rows, "errors": len(errors), "first_error": errors[0] if errors else None}
    return out


async def _closed_loop(url: str, pools: Pools, seed: int, concurrency: int, duration: float) -> dict[str, Any]:
    mix = Mix(pools, seed, unique=False)
    rng = random.Random(seed)  # noqa: S311 - reproducible choice of kinds
    kinds = list(KINDS)
    per_kind: dict[str, list[float]] = {k: [] for k in kinds}
    errors = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=120, headers=ACCEPT) as client:
        async def one(kind: str) -> tuple[float, bool]:
            query_url = f"{url}?{urlencode({'query': mix.draw(kind)})}"
            start = time.perf_counter()
            response = await client.get(query_url)
            await response.aread()
            return time.perf_counter() - start, response.status_code == 200

        await asyncio.gather(*(one(rng.choice(kinds)) for _ in range(concurrency)))  # connections open
        end = time.perf_counter() + duration
        done = 0
        start = time.perf_counter()

        async def user() -> None:
            nonlocal done, errors
            while time.perf_counter() < end:
                kind = rng.choice(kinds)
                seconds, ok = await one(kind)
                if ok:
                    per_kind[kind].append(seconds)
                    done += 1
                else:
                    errors += 1

        await asyncio.gather(*(user() for _ in range(concurrency)))
        elapsed = time.perf_counter() - start
    every = [s for values in per_kind.values() for s in values]
    return {"requests": done, "errors": errors, "seconds": elapsed, "rate": done / elapsed, "all": stats(every),
            "kinds": {k: stats(v) for k, v in per_kind.items()}}


def concurrency_n(url: str, pools: Pools, seed: int, concurrency: int, duration: float) -> dict[str, Any]:
    return asyncio.run(_closed_loop(url, pools, seed, concurrency, duration))


def query_mix(store: str, base_url: str, sparql_url: str, pools: Pools, args: argparse.Namespace) -> dict[str, Any]:
    """The query mix against one store's endpoint: latency at concurrency 1, then throughput."""
    log(f"{store}: query mix, concurrency 1")
    client = StdlibClient(base_url)
    try:
        c1 = latency_c1(sparql_get(client, "/sparql"), pools, args.seed, args.requests, args.warm_repeats)
    finally:
        client.close()
    log(f"{store}: query mix, concurrency {args.concurrency}")
    return {"c1": c1, "cN": concurrency_n(sparql_url, pools, args.seed + 1, args.concurrency, args.duration)}


def pages(base_url: str, pools: Pools, seed: int, requests: int, warm_repeats: int) -> dict[str, Any]:
    """``/id/….html`` of claims, responsibilities and quotes: the first page after start, then
    ``requests`` distinct pages cold and ``warm_repeats`` times warm."""
    rng = random.Random(seed + 7)  # noqa: S311
    client = StdlibClient(base_url)
    html = {"accept": "text/html"}

    def path_of(iri: str) -> str:
        return "/id/" + iri[len(ID_PREFIX):] + ".html"

    first_iri = rng.choice(pools.claims)
    client.conn.timeout = FIRST_PAGE_TIMEOUT  # the first page builds the site's index of every IRI
    start = time.perf_counter()
    try:
        first_s, status, body, _ = client.get(path_of(first_iri), html)
    except TimeoutError:
        client.close()
        return {"error": f"no answer within {time.perf_counter() - start:.0f} s"}
    client.conn.timeout = 60
    if status != 200:  # reported, not fatal: the rest of the benchmark still runs
        client.close()
        return {"error": f"{status} after {first_s:.1f} s: {body[:200].decode('utf-8', 'replace').strip()}"}
    chosen: set[str] = {first_iri}
    cold: list[float] = []
    warm: list[float] = []
    deref: list[float] = []
    while len(cold) < requests:
        iri = rng.choice(rng.choice((pools.claims, pools.responsibilities, pools.quotes)))
        if iri in chosen:
            continue
        chosen.add(iri)
        seconds, status, body, _ = client.get(path_of(iri), html)
        if status != 200:
            raise RuntimeError(f"page {iri}: {status} {body[:300]!r}")
        cold.append(seconds)
        warm.extend(client.get(path_of(iri), html)[0] for _ in range(warm_repeats))
        deref.append(client.get("/id/" + iri[len(ID_PREFIX):], html)[0])  # the 303 of the IRI itself
    client.close()
    return {"first_after_start_ms": first_s * 1000, "cold": stats(cold), "warm": stats(warm), "see_other": stats(deref)}


# -- the two stores --------------------------------------------------------------------------------
def embedded_load(nquads: Path, data_dir: Path, work: Path, runs: int) -> dict[str, Any]:
    """``normgraph load`` into an empty data directory, ``runs`` times; the median run and each run."""
    each = []
    for i in range(runs):
        shutil.rmtree(data_dir, ignore_errors=True)
        log(f"embedded: normgraph load {nquads.name} ({i + 1}/{runs})")
        seconds, cpu, peak_mb, code = run_child([sys.executable, "-m", "graph.cli", "load", str(nquads), "--data-dir", str(data_dir),
                                                 "--progress-seconds", "10"], work / "embedded-load.log")
        if code != 0:
            raise RuntimeError(f"normgraph load failed: {(work / 'embedded-load.log').read_text()[-2000:]}")
        each.append({"seconds": seconds, "cpu_seconds": cpu, "peak_mb": peak_mb, "load_avg": os.getloadavg()[0]})
    best = sorted(each, key=lambda r: r["seconds"])[len(each) // 2]
    current = store.current_path(data_dir)
    assert current is not None
    return {"load_seconds": best["seconds"], "load_cpu_seconds": best["cpu_seconds"], "peak_mb": max(r["peak_mb"] for r in each),
            "load_runs": each, "disk_bytes": du(current), "quads": sum(store.read_manifest(data_dir)["graphs"].values())}


def embedded(nquads: Path, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    data_dir = work / "embedded-data"
    result = embedded_load(nquads, data_dir, work, args.load_runs)
    current = store.current_path(data_dir)
    assert current is not None
    pools = Pools.from_store(ox.Store.read_only(str(current / "oxigraph")))
    log("embedded: serve")
    server = Server("endpoint", ["-m", "graph.cli", "serve", "--data-dir", str(data_dir), "--log-level", "warning"], "/readyz",
                    work / "embedded-serve.log", {"NORMGRAPH_WORKERS": str(args.workers),
                                                  "NORMGRAPH_QUERY_TIMEOUT": str(args.query_timeout)})
    try:
        if args.no_pages:
            result["pages"] = {"error": "not measured (--no-pages)"}
        else:
            log("embedded: pages")
            result["pages"] = pages(server.url, pools, args.seed, args.requests, args.warm_repeats)
        result.update(query_mix("embedded", server.url, server.sparql, pools, args))
    finally:
        server.stop()
    result["pools"] = pools
    return result


def virtuoso(nquads: Path, work: Path, pools: Pools, args: argparse.Namespace) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from tests.virtuoso import Virtuoso, available

    if not available():
        return {"skipped": "virtuoso-t is not installed"}
    root = work / "virtuoso"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    log("virtuoso: start")
    server = Virtuoso(root=root, buffers=args.virtuoso_buffers, start_timeout=120)
    try:
        target = root / nquads.name
        try:
            os.link(nquads, target)
        except OSError:
            shutil.copyfile(nquads, target)
        log("virtuoso: ld_dir + rdf_loader_run + checkpoint")
        cpu_before = tree_cpu_seconds(server.proc.pid)  # type: ignore[union-attr]
        start = time.perf_counter()
        server.isql(f"ld_dir('{root}', '{nquads.name}', 'urn:normgraph:unused-default');", timeout=600)
        server.isql("rdf_loader_run();", timeout=7200)
        server.isql("checkpoint;", timeout=1800)
        seconds = time.perf_counter() - start
        cpu = tree_cpu_seconds(server.proc.pid) - cpu_before  # type: ignore[union-attr]
        errors = server.isql("select ll_file, ll_error from DB.DBA.LOAD_LIST where ll_error is not null;")
        if "0 Rows" not in errors:
            raise RuntimeError(f"Virtuoso's loader reported errors: {errors[-1500:]}")
        status = Path(f"/proc/{server.proc.pid}/status").read_text()  # type: ignore[union-attr]
        peak_kb = int(re.search(r"VmHWM:\s+(\d+)", status).group(1))  # type: ignore[union-attr]
        count = httpx.get(server.sparql_url, params={"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"},
                          headers={"accept": "application/sparql-results+json"}, timeout=600).json()
        quads = int(count["results"]["bindings"][0]["n"]["value"])
        target.unlink()
        result: dict[str, Any] = {"load_seconds": seconds, "load_cpu_seconds": cpu, "peak_mb": peak_kb / 1024,
                                  "disk_bytes": du(root), "quads": quads,
                                  "buffers": args.virtuoso_buffers}
        result.update(query_mix("virtuoso", server.base_url, server.sparql_url, pools, args))
        status = Path(f"/proc/{server.proc.pid}/status").read_text()  # type: ignore[union-attr]
        result["peak_mb_after_queries"] = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]
    finally:
        server.close()
        shutil.rmtree(root, ignore_errors=True)
    return result


def run_size(size: int, args: argparse.Namespace) -> dict[str, Any]:
    work = args.work_dir / f"scale-{size}"
    work.mkdir(parents=True, exist_ok=True)
    nquads = args.work_dir / f"synthetic-{size}.nq"
    result_path = args.work_dir / f"scale-{size}.json"
    # one JSON per size, written after each store, so a store can be measured again on its own
    out: dict[str, Any] = json.loads(result_path.read_text()) if result_path.exists() else {"size": size}
    if not nquads.exists():
        log(f"generate {size:,} triples")
        start = time.perf_counter()
        with nquads.open("w", encoding="utf-8", newline="\n") as handle:
            generate(handle, size, seed=args.seed, progress=False)
        out["generate_seconds"] = time.perf_counter() - start
    out.update({"file_bytes": nquads.stat().st_size, "date": dt.datetime.now(dt.UTC).isoformat(timespec="minutes"),
                "settings": {k: (str(v) if isinstance(v, Path) else v) for k, v in vars(args).items()}})
    stores = args.stores.split(",")

    def save() -> None:
        result_path.write_text(json.dumps(out, indent=2), encoding="utf-8")

    if "embedded" in stores:
        out["load_avg_start"] = os.getloadavg()
        emb = embedded(nquads, work, args)
        emb.pop("pools")
        out["embedded"] = emb
        out["load_avg_end"] = os.getloadavg()
        save()
    if "embedded-load" in stores:  # the load alone again (e.g. on a quieter machine), the rest kept
        out.setdefault("embedded", {}).update(embedded_load(nquads, work / "embedded-data", work, args.load_runs))
        save()
    if "virtuoso" in stores:
        current = store.current_path(work / "embedded-data")
        if current is None:
            raise RuntimeError("measure the embedded store first (its data gives the query parameters)")
        pools = Pools.from_store(ox.Store.read_only(str(current / "oxigraph")))
        out["virtuoso"] = virtuoso(nquads, work, pools, args)
        out["virtuoso"]["load_avg"] = os.getloadavg()
        save()
    return out


# -- the report ------------------------------------------------------------------------------------
def _mb(n: float) -> str:
    return f"{n:,.0f} MB"


def _ms(value: float | None) -> str:
    if value is None or value != value:  # NaN
        return "–"
    if value == float("inf"):
        return "failed"
    return f"{value:.1f}" if value >= 10 else f"{value:.2f}"


def render(results: list[dict[str, Any]], build: list[dict[str, Any]] | None) -> str:
    lines: list[str] = []
    if results:
        first = results[0]
        lines += [f"Measured {first['date']} UTC on {platform.node() or 'the project machine'}: {os.cpu_count()} cores, "
                  f"{platform.machine()}, Python {platform.python_version()}, pyoxigraph {ox.__version__}; the machine is "
                  "**shared** with other work (load average at start/end of each size is given), so absolute times are "
                  "pessimistic and p99s noisy.", ""]
        lines += ["### Load, memory, disk", "",
                  "| triples | store | load (wall) | load (CPU) | rate (wall) | peak memory | on disk | N-Quads file |",
                  "|---|---|---|---|---|---|---|---|"]
        for r in results:
            for name in ("embedded", "virtuoso"):
                s = r.get(name)
                if not s or "skipped" in s:
                    continue
                cpu = f"{s['load_cpu_seconds']:.1f} s" if s.get("load_cpu_seconds") else "–"
                rate = s["quads"] / s["load_seconds"]
                lines.append(f"| {r['size']:,} | {name} | {s['load_seconds']:.1f} s | {cpu} | {rate:,.0f} quads/s | "
                             f"{_mb(s['peak_mb'])} | {_mb(s['disk_bytes'] / 2**20)} | {_mb(r['file_bytes'] / 2**20)} |")
        lines += ["", "Load average (1 min) at start → end of the embedded run, and after the Virtuoso run: " + "; ".join(
            f"{r['size']:,}: {r.get('load_avg_start', [0])[0]:.1f} → {r.get('load_avg_end', [0])[0]:.1f}, "
            f"{(r.get('virtuoso') or {}).get('load_avg', [0])[0]:.1f}" for r in results), ""]
        for r in results:
            lines += [f"### Query mix at {r['size']:,} triples, concurrency 1 (ms)", "",
                      "Each kind: distinct queries (fresh parameters) sent once (*cold*), then repeated (*warm*).", "",
                      "| kind | embedded cold median | p99 | warm median | p99 "
                      "| Virtuoso cold median | p99 | warm median | p99 | rows (emb. / Virt.) |",
                      "|---|---|---|---|---|---|---|---|---|---|"]
            emb, virt = r["embedded"]["c1"], (r.get("virtuoso") or {}).get("c1", {})
            for kind in KINDS:
                e, v = emb[kind], virt.get(kind)
                cells = [_ms(e["cold"]["median_ms"]), _ms(e["cold"]["p99_ms"]), _ms(e["warm"]["median_ms"]), _ms(e["warm"]["p99_ms"])]
                if v:
                    cells += [_ms(v["cold"]["median_ms"]), _ms(v["cold"]["p99_ms"]), _ms(v["warm"]["median_ms"]), _ms(v["warm"]["p99_ms"])]
                    rows = f"{e['rows_median']:g} / {v['rows_median']:g}" + (f" ({v['errors']} errors)" if v["errors"] else "")
                else:
                    cells += ["–"] * 4
                    rows = f"{e['rows_median']:g} / –"
                lines.append(f"| {kind} | " + " | ".join(cells) + f" | {rows} |")
            firsts = [f"{name}: {s['c1'][k]['first_error'][:160]!r}" for name in ("embedded", "virtuoso")
                      if (s := r.get(name)) and "c1" in s for k in KINDS if s["c1"][k]["errors"]]
            if firsts:
                lines += ["", "Errors: " + "; ".join(firsts)]
            n = r["settings"]["concurrency"]
            lines += ["", f"### Query mix at {r['size']:,} triples, concurrency {n} (ms)", "",
                      f"{n} clients in a closed loop for {r['settings']['duration']:g} s, a fresh query (random kind) per request.", "",
                      "| kind | embedded median | p99 | Virtuoso median | p99 |", "|---|---|---|---|---|"]
            en, vn = r["embedded"]["cN"], (r.get("virtuoso") or {}).get("cN")
            for kind in KINDS:
                e = en["kinds"][kind]
                v = vn["kinds"][kind] if vn else None
                lines.append(f"| {kind} | {_ms(e['median_ms'])} | {_ms(e['p99_ms'])} | "
                             f"{_ms(v['median_ms']) if v else '–'} | {_ms(v['p99_ms']) if v else '–'} |")
            lines.append(f"| **all** | {_ms(en['all']['median_ms'])} | {_ms(en['all']['p99_ms'])} | "
                         f"{_ms(vn['all']['median_ms']) if vn else '–'} | {_ms(vn['all']['p99_ms']) if vn else '–'} |")
            lines.append(f"| *throughput* | {en['rate']:.1f} req/s ({en['errors']} errors) | | "
                         + (f"{vn['rate']:.1f} req/s ({vn['errors']} errors) | |" if vn else "– | |"))
            p = r["embedded"]["pages"]
            title = f"### Resource pages at {r['size']:,} triples (embedded, `/id/….html`, ms)"
            if "error" in p:
                lines += ["", title, "", f"Pages: {p['error']} (endpoint query timeout "
                          f"{r['settings'].get('query_timeout', 10):g} s).", ""]
                continue
            lines += ["", title, "",
                      "| | median | p99 |", "|---|---|---|",
                      f"| first page after the server started | {_ms(p['first_after_start_ms'])} | |",
                      f"| cold (a page not requested before) | {_ms(p['cold']['median_ms'])} | {_ms(p['cold']['p99_ms'])} |",
                      f"| warm (the same page again) | {_ms(p['warm']['median_ms'])} | {_ms(p['warm']['p99_ms'])} |",
                      f"| the IRI's 303 (`/id/…` → `.html`) | {_ms(p['see_other']['median_ms'])} | {_ms(p['see_other']['p99_ms'])} |", ""]
        lines += targets(results)
    if build:
        lines += build_table(build)
    return "\n".join(lines) + "\n"


def targets(results: list[dict[str, Any]]) -> list[str]:
    near = [r for r in results if 500_000 <= r["size"] <= 2_000_000]
    if not near:
        return []
    r = near[0]
    e = r["embedded"]
    iri = e["c1"]["IRI lookup"]
    page = e["pages"]
    if "error" in page:
        page = {"cold": {"median_ms": float("inf")}, "warm": {"median_ms": float("inf")}}

    def verdict(ok: bool) -> str:
        return "**met**" if ok else "**not met**"

    return [f"### Targets at ~1M triples (embedded store, {r['size']:,} triples)", "",
            "| target | measured | |", "|---|---|---|",
            f"| load < 60 s | {e['load_seconds']:.1f} s | {verdict(e['load_seconds'] < TARGETS['load_seconds'])} |",
            f"| peak memory < 2 GB | {_mb(e['peak_mb'])} | {verdict(e['peak_mb'] < TARGETS['peak_mb'])} |",
            f"| IRI lookup median < 5 ms (SPARQL, cold / warm) | {_ms(iri['cold']['median_ms'])} / {_ms(iri['warm']['median_ms'])} ms | "
            f"{verdict(max(iri['cold']['median_ms'], iri['warm']['median_ms']) < TARGETS['iri_ms'])} |",
            f"| page render median < 5 ms (`/id/….html`, cold / warm) | {_ms(page['cold']['median_ms'])} / "
            f"{_ms(page['warm']['median_ms'])} ms | "
            f"{verdict(max(page['cold']['median_ms'], page['warm']['median_ms']) < TARGETS['page_ms'])} |",
            ""]


def build_table(build: list[dict[str, Any]]) -> list[str]:
    lines = ["### Build stages against the data size", "",
             "SHACL validation (`graph/validate.py`, pyshacl) and reasoning (`graph/reason.py`, HermiT) on the asserted "
             "graphs of generated data, each in a fresh process (`python -m benchmarks.build_scaling`).", "",
             "| triples | SHACL | reasoning (HermiT) |", "|---|---|---|"]
    sizes = sorted({int(r["size"]) for r in build})
    by = {(int(r["size"]), r["stage"]): r for r in build}

    def cell(size: int, stage: str) -> str:
        r = by.get((size, stage))
        if not r:
            return "–"
        if r.get("seconds") is None:
            return str(r.get("detail"))
        cpu = f", CPU {r['cpu_seconds']:.0f} s" if r.get("cpu_seconds") else ""
        return f"{r['seconds']:.1f} s{cpu} ({r.get('peak_mb', 0):.0f} MB)"

    for size in sizes:
        lines.append(f"| {size:,} | {cell(size, 'validate')} | {cell(size, 'reason')} |")
    import itertools
    import math

    for stage in ("validate", "reason"):
        rows = [by[(size, stage)] for size in sizes if (size, stage) in by and by[(size, stage)].get("seconds")]
        # CPU time when every size has it: wall time on a shared machine measures the neighbours too
        metric = "cpu_seconds" if rows and all(r.get("cpu_seconds") for r in rows) else "seconds"
        done = [(int(r["size"]), float(r[metric])) for r in rows]
        if len(done) < 2:
            continue
        steps = [f"{a:,} → {b:,}: {math.log(tb / ta) / math.log(b / a):.2f}" for (a, ta), (b, tb) in itertools.pairwise(done)]
        (a, ta), (b, tb) = done[0], done[-1]
        overall = math.log(tb / ta) / math.log(b / a)
        name, clock = ("SHACL" if stage == "validate" else "Reasoning"), ("CPU" if metric == "cpu_seconds" else "wall")
        lines.append(f"\n{name}: growth exponent of the {clock} time (1 = linear) "
                     f"{'; '.join(steps)}; overall {overall:.2f}.")
    return [*lines, ""]


def write_report(path: Path, body: str) -> None:
    text = path.read_text(encoding="utf-8") if path.exists() else f"# Scaling\n\n{BEGIN}\n{END}\n"
    if BEGIN not in text:
        text += f"\n{BEGIN}\n{END}\n"
    head, rest = text.split(BEGIN, 1)
    tail = rest.split(END, 1)[1] if END in rest else ""
    path.write_text(f"{head}{BEGIN}\n{body}{END}{tail}", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.scale", description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="1000000", help="triples, comma-separated (default 1000000)")
    p.add_argument("--out", type=Path, help="the report to update (e.g. docs/scaling.md)")
    p.add_argument("--work-dir", type=Path, default=ROOT / "benchmarks" / "out" / "scale")
    p.add_argument("--requests", type=int, default=30, help="distinct queries per kind at concurrency 1 (default 30)")
    p.add_argument("--warm-repeats", type=int, default=2)
    p.add_argument("--concurrency", type=int, default=8)
    p.add_argument("--duration", type=float, default=15.0, help="seconds of the concurrency run (default 15)")
    p.add_argument("--workers", type=int, default=4, help="NORMGRAPH_WORKERS of the endpoint (default 4)")
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--no-pages", action="store_true", help="skip the /id/….html pages (their index holds every IRI in memory)")
    p.add_argument("--load-runs", type=int, default=1, help="embedded loads per size (the median is reported; default 1)")
    p.add_argument("--query-timeout", type=float, default=10.0, help="NORMGRAPH_QUERY_TIMEOUT of the endpoint (default 10, as served)")
    p.add_argument("--virtuoso-buffers", type=int, default=170000, help="NumberOfBuffers (8 KB pages; default ≈ 1.3 GB)")
    p.add_argument("--stores", default="embedded,virtuoso", help="which to measure (default embedded,virtuoso)")
    p.add_argument("--report-only", action="store_true", help="rewrite the report from the JSON results already there")
    p.add_argument("--build-sizes", default="", help="also time SHACL and HermiT at these sizes (e.g. 10000,30000,100000)")
    p.add_argument("--build-timeout", type=float, default=600.0)
    args = p.parse_args(argv)
    args.work_dir = args.work_dir.resolve()  # virtuoso.ini needs absolute paths
    args.work_dir.mkdir(parents=True, exist_ok=True)
    sizes = [int(s) for s in args.sizes.split(",") if s]
    build_json = args.work_dir / "build-scaling.json"
    if not args.report_only:
        for size in sizes:
            run_size(size, args)
        if args.build_sizes:
            rows = run_build_scaling([int(s) for s in args.build_sizes.split(",")], args.work_dir, args.build_timeout)
            build_json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    results = [json.loads(f.read_text()) for s in sizes if (f := args.work_dir / f"scale-{s}.json").exists()]
    build = json.loads(build_json.read_text()) if build_json.exists() else None
    body = render(results, build)
    if args.out:
        write_report(args.out, body)
        log(f"wrote {args.out}")
    else:
        print(body)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
