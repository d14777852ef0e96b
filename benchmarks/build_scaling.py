"""How the build's SHACL validation and HermiT reasoning grow with the data.

Each stage runs on generated data (``benchmarks.generate``, the asserted graphs only: what the
build gives them) in a child process with a time limit, so a stage that does not finish is
reported as such instead of hanging the benchmark.

    python -m benchmarks.build_scaling --sizes 10000,30000,100000 --timeout 600
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import resource
import sys
import time
from pathlib import Path

from benchmarks.generate import G_INFERRED, G_METADATA, generate

ROOT = Path(__file__).resolve().parent.parent
STAGES = ("validate", "reason")


def asserted_graph(nquads: Path) -> object:
    """The generated quads as one rdflib graph, without the inferred and metadata graphs."""
    import pyoxigraph as ox
    from rdflib import Graph, Literal, URIRef

    g = Graph()
    skip = {G_INFERRED, G_METADATA}
    for q in ox.parse(path=str(nquads), format=ox.RdfFormat.N_QUADS):
        if q.graph_name.value in skip:
            continue
        o = q.object
        if isinstance(o, ox.NamedNode):
            obj: object = URIRef(o.value)
        else:
            obj = Literal(o.value, lang=o.language) if o.language else Literal(o.value, datatype=URIRef(o.datatype.value))
        g.add((URIRef(q.subject.value), URIRef(q.predicate.value), obj))
    return g


def _cpu() -> float:
    """CPU seconds of this process and its finished children (HermiT runs in a Java child):
    unlike wall time, not inflated by other work on a shared machine."""
    me, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + children.ru_utime + children.ru_stime


def _stage(stage: str, nquads: str, out: mp.Queue) -> None:
    from graph.build import ontology_graphs
    from graph.reason import reason
    from graph.validate import validate
    from loaders.namespaces import Iris

    iris = Iris()
    data = asserted_graph(Path(nquads))
    ontology, vocabulary = ontology_graphs(iris)
    schema = ontology + vocabulary
    start, cpu_start = time.perf_counter(), _cpu()
    if stage == "validate":
        report = validate(data, schema, iris=iris)  # type: ignore[arg-type]
        detail = f"{len(report.violations)} results"
    else:
        result = reason(schema, data, iris)  # type: ignore[arg-type]
        detail = f"{len(result.inferred)} inferred"
    seconds, cpu = time.perf_counter() - start, _cpu() - cpu_start
    out.put({"seconds": seconds, "cpu_seconds": cpu, "triples": len(data), "detail": detail,  # type: ignore[arg-type]
             "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024})


def measure(stage: str, nquads: Path, timeout: float) -> dict[str, object]:
    """One stage on one file, in a child process killed after ``timeout`` seconds."""
    queue: mp.Queue = mp.get_context("fork").Queue()
    proc = mp.get_context("fork").Process(target=_stage, args=(stage, str(nquads), queue))
    proc.start()
    proc.join(timeout)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return {"seconds": None, "detail": f"did not finish within {timeout:g} s"}
    if queue.empty():
        return {"seconds": None, "detail": f"failed (exit {proc.exitcode})"}
    return dict(queue.get())


def run(sizes: list[int], work_dir: Path, timeout: float, stages: tuple[str, ...] = STAGES) -> list[dict[str, object]]:
    rows = []
    work_dir.mkdir(parents=True, exist_ok=True)
    for size in sizes:
        path = work_dir / f"synthetic-{size}.nq"
        if not path.exists():
            with path.open("w", encoding="utf-8") as out:
                generate(out, size, progress=False)
        for stage in stages:
            result = measure(stage, path, timeout)
            row = {"size": size, "stage": stage, **result}
            print(json.dumps(row), file=sys.stderr, flush=True)
            rows.append(row)
    return rows


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.build_scaling", description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="10000,30000,100000")
    p.add_argument("--timeout", type=float, default=600.0, help="seconds per stage and size (default 600)")
    p.add_argument("--stages", default=",".join(STAGES))
    p.add_argument("--work-dir", type=Path, default=ROOT / "benchmarks" / "out")
    p.add_argument("--json", type=Path, help="write the rows as JSON here")
    args = p.parse_args(argv)
    rows = run([int(s) for s in args.sizes.split(",")], args.work_dir, args.timeout, tuple(args.stages.split(",")))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
