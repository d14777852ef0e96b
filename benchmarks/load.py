"""Publish an N-Quads file into a data directory as a normgraph store (what ``graph.cli serve`` serves).

Uses the same code path as ``normgraph build``'s last stage: a fresh store directory, a bulk load
checked quad by quad against the manifest, then the atomic switch of ``current``.

    python -m benchmarks.load out.nq --data-dir benchmarks/out/data-100000
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import pyoxigraph as ox

from graph import store


def count_quads(path: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
        key = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        counts[key] = counts.get(key, 0) + 1
    return counts


def publish_nquads(path: Path, data_dir: Path, note: str = "synthetic benchmark data") -> Path:
    """Load ``path`` into a new store under ``data_dir`` and make it the published dataset."""
    manifest = {"graphs": count_quads(path), "synthetic": note, "source": path.name}
    with store.build_lock(data_dir):
        target = store.new_store_dir(data_dir)
        store.write_store(target, path.read_bytes(), manifest)
        store.publish(data_dir, target)
        store.prune(data_dir, keep=1)
    return target


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.load", description=__doc__.split("\n\n")[0])
    p.add_argument("nquads", type=Path, help="the N-Quads file (e.g. from benchmarks.generate)")
    p.add_argument("--data-dir", type=Path, required=True, help="the data directory to publish into")
    args = p.parse_args(argv)
    start = time.perf_counter()
    target = publish_nquads(args.nquads, args.data_dir)
    print(f"published {target} in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
