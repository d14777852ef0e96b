"""Settings, from the environment (``NORMGRAPH_*``) with documented defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

from loaders.corpus import DATA_DIR, PROJECT_ROOT
from loaders.namespaces import DEFAULT_BASE


def _bool(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    base: str = DEFAULT_BASE
    data_dir: Path = PROJECT_ROOT / "var"  # where built stores live (not the input corpus)
    corpus_dir: Path = DATA_DIR
    keep_builds: int = 3
    # the SPARQL service
    query_timeout: float = 10.0  # seconds; the worker running a query is killed at the deadline
    write_timeout: float = 120.0
    row_cap: int = 10_000  # rows (or triples) per response; 0 = no cap
    workers: int = 4  # query worker processes
    queue_wait: float = 2.0  # seconds a request may wait for a free worker before a 503
    max_body: int = 16 * 1024 * 1024  # bytes
    write_token: str | None = None  # bearer token for Graph Store writes and SPARQL Update
    service_allowlist: tuple[str, ...] = ()  # endpoint IRI prefixes SERVICE may call
    default_graph: str = "union"  # "union" of the named graphs, or the store's own "default" graph
    include_inferred: bool = True  # whether the union default graph includes graph/inferred
    cors_origins: tuple[str, ...] = ("*",)

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = os.environ
        values: dict[str, object] = {
            "base": env.get("NORMGRAPH_BASE", DEFAULT_BASE),
            "data_dir": Path(env.get("NORMGRAPH_DATA_DIR", PROJECT_ROOT / "var")),
            "corpus_dir": Path(env.get("NORMGRAPH_CORPUS_DIR", DATA_DIR)),
        }
        numbers = {
            "query_timeout": ("NORMGRAPH_QUERY_TIMEOUT", float), "write_timeout": ("NORMGRAPH_WRITE_TIMEOUT", float),
            "row_cap": ("NORMGRAPH_ROW_CAP", int), "workers": ("NORMGRAPH_WORKERS", int),
            "queue_wait": ("NORMGRAPH_QUEUE_WAIT", float), "max_body": ("NORMGRAPH_MAX_BODY", int),
        }
        for name, (var, kind) in numbers.items():
            if var in env:
                values[name] = kind(env[var])
        if env.get("NORMGRAPH_WRITE_TOKEN"):
            values["write_token"] = env["NORMGRAPH_WRITE_TOKEN"]
        if env.get("NORMGRAPH_SERVICE_ALLOWLIST"):
            values["service_allowlist"] = tuple(p.strip() for p in env["NORMGRAPH_SERVICE_ALLOWLIST"].split(",") if p.strip())
        if env.get("NORMGRAPH_DEFAULT_GRAPH"):
            values["default_graph"] = env["NORMGRAPH_DEFAULT_GRAPH"]
        if "NORMGRAPH_INCLUDE_INFERRED" in env:
            values["include_inferred"] = _bool(env["NORMGRAPH_INCLUDE_INFERRED"])
        if env.get("NORMGRAPH_CORS_ORIGINS"):
            values["cors_origins"] = tuple(o.strip() for o in env["NORMGRAPH_CORS_ORIGINS"].split(",") if o.strip())
        known = {f.name for f in fields(cls)}
        values.update({k: v for k, v in overrides.items() if v is not None and k in known})
        for key in ("data_dir", "corpus_dir"):
            if isinstance(values[key], str):
                values[key] = Path(values[key])  # type: ignore[arg-type]
        if values.get("default_graph") not in (None, "union", "default"):
            raise ValueError("NORMGRAPH_DEFAULT_GRAPH must be 'union' or 'default'")
        return cls(**values)  # type: ignore[arg-type]
