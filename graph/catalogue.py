"""The ready-made query catalogue (``queries/*.rq``) and safe parameter binding.

Each ``.rq`` file starts with a grlc-style header of ``#+`` comment lines (YAML once the ``#+``
is stripped): ``summary``, ``description``, ``tags``, ``params`` (name, type, default, enum,
description) and ``returns``. A parameter is an ordinary SPARQL variable of the same name,
projected by the SELECT; :func:`bind` turns a caller's values into RDF terms that the engine
substitutes for those variables (``store.query(text, substitutions=bind(query, values))``). A
value is never pasted into the query text, so it cannot change the query's structure."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import yaml

XSD = "http://www.w3.org/2001/XMLSchema#"
TYPES = ("iri", "string", "integer", "gYear", "boolean")
Term = ox.NamedNode | ox.Literal

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+$")
_INTEGER = re.compile(r"^[+-]?[0-9]+$")
_GYEAR = re.compile(r"^-?[0-9]{4,}$")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    description: str
    default: Any = None
    enum: tuple[Any, ...] | None = None


@dataclass(frozen=True)
class CannedQuery:
    name: str
    summary: str
    description: str
    tags: tuple[str, ...]
    params: tuple[Param, ...]
    returns: str
    sparql: str
    path: Path

    def param(self, name: str) -> Param:
        for param in self.params:
            if param.name == name:
                return param
        raise ValueError(f"unknown parameter {name!r} for query {self.name!r}")


def load_catalogue(directory: Path | str) -> list[CannedQuery]:
    """Every ``*.rq`` in ``directory``, in name order; a malformed header raises ValueError."""
    return [load_query(path) for path in sorted(Path(directory).glob("*.rq"))]


def load_query(path: Path) -> CannedQuery:
    lines = path.read_text(encoding="utf-8").splitlines()
    header: list[str] = []
    while lines and lines[0].startswith("#+"):
        header.append(lines.pop(0)[2:].removeprefix(" "))
    try:
        meta = yaml.safe_load("\n".join(header)) or {}
    except yaml.YAMLError as exc:
        raise ValueError(f"{path}: header is not valid YAML: {exc}") from None
    if not isinstance(meta, dict):
        raise ValueError(f"{path}: header must be a mapping")
    for key in ("summary", "description", "returns"):
        if not str(meta.get(key) or "").strip():
            raise ValueError(f"{path}: header has no {key!r}")
    sparql = "\n".join(lines).strip() + "\n"
    params = tuple(_param(path, raw) for raw in meta.get("params") or [])
    for param in params:
        if not re.search(rf"[?$]{param.name}\b", sparql):
            raise ValueError(f"{path}: parameter {param.name!r} is not a variable of the query")
    return CannedQuery(
        name=path.stem, summary=str(meta["summary"]).strip(), description=str(meta["description"]).strip(),
        tags=tuple(str(tag) for tag in meta.get("tags") or []), params=params,
        returns=str(meta["returns"]).strip(), sparql=sparql, path=path,
    )


def _param(path: Path, raw: object) -> Param:
    if not isinstance(raw, dict) or not _NAME.match(str(raw.get("name", ""))):
        raise ValueError(f"{path}: a parameter needs a name that is a SPARQL variable name: {raw!r}")
    name, kind = str(raw["name"]), raw.get("type")
    if kind not in TYPES:
        raise ValueError(f"{path}: parameter {name!r} has type {kind!r}, not one of {', '.join(TYPES)}")
    enum = raw.get("enum")
    param = Param(name=name, type=kind, description=str(raw.get("description") or "").strip(), default=raw.get("default"),
                  enum=tuple(enum) if isinstance(enum, list) else None)
    try:
        for option in param.enum or ():
            _term(param, option)
        if param.default is not None:
            _check_enum(param, _term(param, param.default), param.default)
    except ValueError as exc:
        raise ValueError(f"{path}: {exc}") from None
    return param


def bind(query: CannedQuery, values: Mapping[str, object] | None = None) -> dict[ox.Variable, Term]:
    """The substitutions for ``query``: each given value (else, when it is missing or None, the
    parameter's default) as an RDF term of the parameter's type. Raises ValueError naming the
    parameter on an unknown name, a value of the wrong type, or a value outside the enum."""
    values = dict(values or {})
    for name in values:
        query.param(name)
    bound: dict[ox.Variable, Term] = {}
    for param in query.params:
        value = values.get(param.name)
        if value is None:
            value = param.default
        if value is None:
            continue  # a parameter with no default, not given: the variable stays free
        term = _term(param, value)
        _check_enum(param, term, value)
        bound[ox.Variable(param.name)] = term
    return bound


def _check_enum(param: Param, term: Term, value: object) -> None:
    if param.enum is not None and term not in {_term(param, option) for option in param.enum}:
        raise ValueError(f"parameter {param.name!r}: {value!r} is not one of {', '.join(map(str, param.enum))}")


def _term(param: Param, value: object) -> Term:
    def wrong(expected: str) -> ValueError:
        return ValueError(f"parameter {param.name!r} ({param.type}): expected {expected}, got {value!r}")

    if isinstance(value, ox.NamedNode | ox.Literal):
        value = value.value
    if param.type == "iri":
        if not isinstance(value, str) or not _IRI.match(value):
            raise wrong("an absolute IRI")
        try:
            return ox.NamedNode(value)
        except ValueError:
            raise wrong("an absolute IRI") from None
    if param.type == "string":
        if not isinstance(value, str):
            raise wrong("a string")
        return ox.Literal(value)
    if param.type == "boolean":
        if isinstance(value, str) and value.lower() in ("true", "false", "1", "0"):
            value = value.lower() in ("true", "1")
        if not isinstance(value, bool):
            raise wrong("true or false")
        return ox.Literal(value)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise wrong("an integer" if param.type == "integer" else "a year such as 2015")
    text = str(value).strip()
    if param.type == "integer":
        if not _INTEGER.match(text):
            raise wrong("an integer")
        return ox.Literal(int(text))
    if not _GYEAR.match(text):
        raise wrong("a year such as 2015")
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "gYear"))
