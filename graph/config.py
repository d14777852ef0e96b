"""Settings, from the environment (``NORMGRAPH_*``) with documented defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, fields
from pathlib import Path

from loaders.corpus import DATA_DIR, PROJECT_ROOT
from loaders.namespaces import DEFAULT_BASE


def _bool(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes", "on")


class SettingsError(ValueError):
    """A NORMGRAPH_* variable with a value that cannot be used (the message names it)."""


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
    token_failures: int = 10  # wrong write tokens per client and window before 429; 0 = no limit
    token_failure_window: float = 60.0  # seconds
    service_allowlist: tuple[str, ...] = ()  # endpoint IRI prefixes SERVICE may call
    default_graph: str = "union"  # "union" of the named graphs, or the store's own "default" graph
    include_inferred: bool = True  # whether the union default graph includes graph/inferred
    cors_origins: tuple[str, ...] = ("*",)
    # the store: "embedded" (pyoxigraph in data_dir) or "remote" (a SPARQL 1.1 server; docs/remote-store.md)
    store: str = "embedded"
    remote_query_url: str | None = None  # SPARQL query endpoint
    remote_update_url: str | None = None  # SPARQL Update endpoint (build publishes through it)
    remote_gsp_url: str | None = None  # Graph Store Protocol endpoint (faster uploads; optional)
    remote_user: str | None = None
    remote_password: str | None = None
    remote_auth: str = "basic"  # "basic" or "digest" (Virtuoso's /sparql-auth wants digest)
    remote_timeout: float = 300.0  # seconds per upload/update request of a build (queries use query_timeout)
    # "auto" (from the server's Server header), "virtuoso" or "standard": how to ask the server to
    # run one update request as one logged transaction (graph/remote.py, docs/remote-store.md)
    remote_dialect: str = "auto"
    # operating the service (README "Operating normgraph")
    slow_query_ms: float = 1000.0  # queries at least this long go to the slow-query log; 0 = every query
    metrics_token: str | None = None  # bearer token /metrics requires; unset = /metrics is public
    shutdown_grace: float = 10.0  # seconds in-flight requests get to finish after SIGTERM

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
            "token_failures": ("NORMGRAPH_TOKEN_FAILURES", int), "token_failure_window": ("NORMGRAPH_TOKEN_FAILURE_WINDOW", float),
            "slow_query_ms": ("NORMGRAPH_SLOW_QUERY_MS", float), "shutdown_grace": ("NORMGRAPH_SHUTDOWN_GRACE", float),
        }
        for name, (var, kind) in numbers.items():
            if var in env:
                try:
                    values[name] = kind(env[var])
                except ValueError:
                    raise SettingsError(f"{var}={env[var]!r} is not a number ({kind.__name__} expected)") from None
        if env.get("NORMGRAPH_WRITE_TOKEN"):
            values["write_token"] = env["NORMGRAPH_WRITE_TOKEN"]
        if env.get("NORMGRAPH_METRICS_TOKEN"):
            values["metrics_token"] = env["NORMGRAPH_METRICS_TOKEN"]
        if env.get("NORMGRAPH_SERVICE_ALLOWLIST"):
            values["service_allowlist"] = tuple(p.strip() for p in env["NORMGRAPH_SERVICE_ALLOWLIST"].split(",") if p.strip())
        if env.get("NORMGRAPH_DEFAULT_GRAPH"):
            values["default_graph"] = env["NORMGRAPH_DEFAULT_GRAPH"]
        if "NORMGRAPH_INCLUDE_INFERRED" in env:
            values["include_inferred"] = _bool(env["NORMGRAPH_INCLUDE_INFERRED"])
        if env.get("NORMGRAPH_CORS_ORIGINS"):
            values["cors_origins"] = tuple(o.strip() for o in env["NORMGRAPH_CORS_ORIGINS"].split(",") if o.strip())
        values.update(_remote_from_env(env))
        known = {f.name for f in fields(cls)}
        values.update({k: v for k, v in overrides.items() if v is not None and k in known})
        for key in ("data_dir", "corpus_dir"):
            if isinstance(values[key], str):
                values[key] = Path(values[key])  # type: ignore[arg-type]
        if values.get("default_graph") not in (None, "union", "default"):
            raise SettingsError("NORMGRAPH_DEFAULT_GRAPH must be 'union' or 'default'")
        if values.get("store", "embedded") not in ("embedded", "remote"):
            raise SettingsError(f"NORMGRAPH_STORE must be 'embedded' or 'remote', not {values['store']!r}")
        if values.get("remote_auth", "basic") not in ("basic", "digest"):
            raise SettingsError(f"NORMGRAPH_REMOTE_AUTH must be 'basic' or 'digest', not {values['remote_auth']!r}")
        if values.get("remote_dialect", "auto") not in ("auto", "virtuoso", "standard"):
            raise SettingsError(f"NORMGRAPH_REMOTE_DIALECT must be 'auto', 'virtuoso' or 'standard', not {values['remote_dialect']!r}")
        if values.get("store") == "remote" and not values.get("remote_query_url"):
            raise SettingsError("NORMGRAPH_STORE=remote needs NORMGRAPH_REMOTE_QUERY_URL (the SPARQL query endpoint)")
        return cls(**values)  # type: ignore[arg-type]


def _remote_from_env(env: os._Environ[str] | dict[str, str]) -> dict[str, object]:
    """The remote store settings (NORMGRAPH_STORE, NORMGRAPH_REMOTE_*)."""
    values: dict[str, object] = {}
    if env.get("NORMGRAPH_STORE"):
        values["store"] = env["NORMGRAPH_STORE"].strip().lower()
    for name in ("query_url", "update_url", "gsp_url", "user", "password"):
        if env.get(f"NORMGRAPH_REMOTE_{name.upper()}"):
            values[f"remote_{name}"] = env[f"NORMGRAPH_REMOTE_{name.upper()}"]
    if env.get("NORMGRAPH_REMOTE_AUTH"):
        values["remote_auth"] = env["NORMGRAPH_REMOTE_AUTH"].strip().lower()
    if env.get("NORMGRAPH_REMOTE_DIALECT"):
        values["remote_dialect"] = env["NORMGRAPH_REMOTE_DIALECT"].strip().lower()
    if env.get("NORMGRAPH_REMOTE_TIMEOUT"):
        values["remote_timeout"] = float(env["NORMGRAPH_REMOTE_TIMEOUT"])
    return values
