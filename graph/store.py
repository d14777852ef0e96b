"""The embedded on-disk store (pyoxigraph) and atomic publishing.

Every build writes a brand-new store directory; publishing is one atomic rename of the
``current`` symlink. Readers therefore always see a complete dataset: the previous one until
the switch, the new one after it. A build killed at any point leaves ``current`` untouched
(its half-written directory is removed by the next build)."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

CURRENT = "current"
STORES = "stores"


class StoreError(Exception):
    pass


class NoDataset(StoreError):
    """Nothing has been published in this data directory yet."""


def os_error_message(exc: OSError, doing: str) -> str:
    """A one-line message for a failed write. RocksDB reports a full disk as an OSError without
    an errno ("IO error: No space left on device: While appending to file: …"), hence the text test."""
    if exc.errno == errno.ENOSPC or "No space left on device" in str(exc):
        return f"no space left on device while {doing}"
    return f"{doing} failed: {exc.strerror or exc}"


def current_path(data_dir: Path) -> Path | None:
    """The published store directory."""
    location = current_location(data_dir)
    return None if location is None else Path(location)


def current_location(data_dir: Path | str) -> str | None:
    """The published store directory as a string: one readlink and one stat, called on every
    request (plain string operations: pathlib costs several times more)."""
    base = os.fspath(data_dir)
    try:
        target = os.readlink(os.path.join(base, CURRENT))
    except OSError:
        return None
    path = target if os.path.isabs(target) else os.path.join(base, target)
    return path if os.path.isdir(path) else None


def open_current(data_dir: Path) -> ox.Store:
    path = current_path(data_dir)
    if path is None:
        raise NoDataset(f"no published dataset in {data_dir} (run: normgraph build)")
    return ox.Store.read_only(str(path / "oxigraph"))


def read_manifest(data_dir: Path) -> dict:
    path = current_path(data_dir)
    if path is None:
        raise NoDataset(f"no published dataset in {data_dir} (run: normgraph build)")
    return json.loads((path / "manifest.json").read_text(encoding="utf-8"))


@contextlib.contextmanager
def build_lock(data_dir: Path) -> Iterator[None]:
    data_dir.mkdir(parents=True, exist_ok=True)
    with open(data_dir / "build.lock", "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise StoreError(f"another build is running in {data_dir}") from None
        yield


def new_store_dir(data_dir: Path) -> Path:
    stores = data_dir / STORES
    stores.mkdir(parents=True, exist_ok=True)
    # sortable and unique: second, then nanoseconds, then the process
    now = time.time_ns()
    build_id = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now / 1e9)) + f"{now % 1_000_000_000:09d}-{os.getpid()}"
    path = stores / build_id
    path.mkdir()
    return path


def write_store(path: Path, nquads: bytes, manifest: dict) -> None:
    """Load the dataset into a fresh store in ``path`` and check it holds what was built."""
    store = ox.Store(str(path / "oxigraph"))
    store.bulk_load(nquads, format=ox.RdfFormat.N_QUADS)
    store.flush()
    # A bulk load leaves many overlapping files per index; compacting them once here (about 3 s
    # per million quads) halves the time of a random lookup at ~1M quads (docs/scaling.md).
    store.optimize()
    counts: dict[str, int] = {}
    for quad in store.quads_for_pattern(None, None, None, None):
        key = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        counts[key] = counts.get(key, 0) + 1
    expected = manifest["graphs"]
    if counts != expected:
        raise StoreError(f"store content differs from the build: {counts} != {expected}")
    del store
    tmp = path / "manifest.json.tmp"
    tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True), encoding="utf-8")
    with open(tmp, "rb") as handle:
        os.fsync(handle.fileno())
    os.replace(tmp, path / "manifest.json")


def publish(data_dir: Path, path: Path) -> None:
    """Atomically point ``current`` at ``path`` (rename of a fresh symlink)."""
    tmp = data_dir / f".{CURRENT}.{os.getpid()}"
    with contextlib.suppress(FileNotFoundError):
        tmp.unlink()
    os.symlink(os.path.relpath(path, data_dir), tmp)
    os.replace(tmp, data_dir / CURRENT)
    fd = os.open(data_dir, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def prune(data_dir: Path, keep: int) -> None:
    """Remove unpublished leftovers and all but the newest ``keep`` published builds."""
    stores = data_dir / STORES
    current = current_path(data_dir)
    complete = sorted(p for p in stores.iterdir() if (p / "manifest.json").exists())
    for path in stores.iterdir():
        if path == current:
            continue
        if not (path / "manifest.json").exists() or path in complete[:-keep]:
            shutil.rmtree(path, ignore_errors=True)


def publish_empty(data_dir: Path) -> Path:
    """Publish an empty dataset (for a server that is filled through the Graph Store)."""
    with build_lock(data_dir):
        path = new_store_dir(data_dir)
        store = ox.Store(str(path / "oxigraph"))
        store.flush()
        del store
        (path / "manifest.json").write_text(json.dumps({"graphs": {}, "empty": True}), encoding="utf-8")
        publish(data_dir, path)
    return path
