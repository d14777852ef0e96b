"""What a SPARQL request is, and whether it may make outgoing requests.

A small lexer (strings, IRIs, comments and prefixed names are understood, so a keyword inside a
literal never counts) finds the query form and every ``SERVICE``, ``FROM``/``FROM NAMED`` and
``LOAD`` target. By default nothing leaves the machine: a ``SERVICE`` is refused unless its
endpoint matches an allowlisted prefix, ``LOAD`` of a remote document likewise, and a remote
``FROM`` IRI is accepted only when it names a graph of this dataset (it is then read locally)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

_TOKEN = re.compile(
    r"""(?P<ws>\s+)
      | (?P<comment>\#[^\n]*)
      | (?P<string>\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'''(?:[^'\\]|\\.|'(?!''))*'''|"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')
      | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
      | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
      | (?P<pname>(?:[A-Za-z][\w.\-\u00B7-\uFFFF]*)?:(?:[\w\-.:%\\\u00B7-\uFFFF]*[\w\-:%\u00B7-\uFFFF])?)
      | (?P<word>[A-Za-z_][A-Za-z0-9_]*)
      | (?P<other>.)""",
    re.VERBOSE | re.DOTALL,
)

QUERY_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}
UPDATE_WORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"}


# The engine's parser recurses once per bracket: about 4,000 nested braces overflow the worker's
# stack (SIGSEGV), which would cost a worker per request. Real queries nest a few levels.
MAX_DEPTH = 200


class Refused(Exception):
    """The request would make an outgoing request that is not allowed (or is nested too deep)."""


@dataclass
class Analysis:
    form: str | None  # SELECT | ASK | CONSTRUCT | DESCRIBE | UPDATE | None (unreadable)
    services: list[str | None] = field(default_factory=list)  # None: a variable endpoint
    from_graphs: list[str] = field(default_factory=list)
    loads: list[str] = field(default_factory=list)
    depth: int = 0  # deepest nesting of { ( [ outside strings, IRIs and comments


def _tokens(text: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind in ("ws", "comment"):
            continue
        out.append((kind, m.group(0)))
    return out


def analyse(text: str) -> Analysis:
    tokens = _tokens(text)
    prefixes: dict[str, str] = {}
    base = ""
    analysis = Analysis(form=None)

    def resolve(kind: str, value: str) -> str | None:
        if kind == "iri":
            iri = value[1:-1]
            if base and not re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", iri):
                return base + iri
            return iri
        if kind == "pname":
            prefix, _, local = value.partition(":")
            return prefixes.get(prefix, prefix + ":") + local
        return None

    level = 0
    for kind, value in tokens:
        if kind == "other" and value in "{([":
            level += 1
            analysis.depth = max(analysis.depth, level)
        elif kind == "other" and value in "})]":
            level -= 1
    i = 0
    while i < len(tokens):
        kind, value = tokens[i]
        word = value.upper() if kind == "word" else ""
        nxt = tokens[i + 1] if i + 1 < len(tokens) else ("", "")
        if word == "PREFIX" and i + 2 < len(tokens) and tokens[i + 2][0] == "iri":
            prefixes[nxt[1].rstrip(":")] = tokens[i + 2][1][1:-1]
            i += 3
            continue
        if word == "BASE" and nxt[0] == "iri":
            base = nxt[1][1:-1]
            i += 2
            continue
        if analysis.form is None and word in QUERY_FORMS:
            analysis.form = word
        elif analysis.form is None and word in UPDATE_WORDS:
            analysis.form = "UPDATE"
        if word == "SERVICE":
            j = i + 1
            if j < len(tokens) and tokens[j][0] == "word" and tokens[j][1].upper() == "SILENT":
                j += 1
            target = tokens[j] if j < len(tokens) else ("", "")
            analysis.services.append(resolve(*target) if target[0] in ("iri", "pname") else None)
        elif word == "FROM":
            j = i + 1
            if j < len(tokens) and tokens[j][0] == "word" and tokens[j][1].upper() == "NAMED":
                j += 1
            if j < len(tokens) and tokens[j][0] in ("iri", "pname"):
                iri = resolve(*tokens[j])
                if iri:
                    analysis.from_graphs.append(iri)
        elif word == "LOAD":
            j = i + 1
            if j < len(tokens) and tokens[j][0] == "word" and tokens[j][1].upper() == "SILENT":
                j += 1
            if j < len(tokens) and tokens[j][0] in ("iri", "pname"):
                iri = resolve(*tokens[j])
                if iri:
                    analysis.loads.append(iri)
        i += 1
    return analysis


def is_remote(iri: str) -> bool:
    return re.match(r"(?i)^(https?|ftp)://", iri) is not None


def allowlisted(iri: str, entry: str) -> bool:
    """Whether ``iri`` is the allowlisted endpoint ``entry`` or below it.

    Compared part by part, not as strings: scheme, host and port must be equal (so the entry
    ``http://partner.org`` does not admit ``http://partner.org.evil.example/``), the IRI may carry
    no user name or password, and its path must be the entry's path or continue it at a "/"."""
    try:
        target, allowed_at = urlsplit(iri), urlsplit(entry)
        ports = (target.port, allowed_at.port)
    except ValueError:  # an unparsable port or host
        return False
    if target.username is not None or target.password is not None or not target.hostname:
        return False
    if (target.scheme.lower(), target.hostname, ports[0]) != (allowed_at.scheme.lower(), allowed_at.hostname, ports[1]):
        return False
    base = allowed_at.path
    if not base or base.endswith("/"):
        return target.path.startswith(base) or not base
    return target.path == base or target.path.startswith(base + "/")


def check_nesting(analysis: Analysis) -> None:
    if analysis.depth > MAX_DEPTH:
        raise Refused(f"the request nests brackets {analysis.depth} levels deep; at most {MAX_DEPTH} are allowed")


def check_outgoing(analysis: Analysis, allowlist: tuple[str, ...], local_graphs: frozenset[str] | set[str], protocol_dataset: bool) -> None:
    """Raise Refused if the request would fetch anything not allowlisted."""
    def allowed(iri: str) -> bool:
        return any(allowlisted(iri, entry) for entry in allowlist)

    for endpoint in analysis.services:
        if endpoint is None:
            raise Refused("SERVICE with a variable endpoint is not allowed: federated queries must name an allowlisted endpoint")
        if not allowed(endpoint):
            raise Refused(
                f"SERVICE <{endpoint}> is not allowed: this endpoint makes no outgoing requests unless the "
                "operator allowlists the endpoint (NORMGRAPH_SERVICE_ALLOWLIST)"
            )
    for iri in analysis.loads:
        if is_remote(iri) and not allowed(iri):
            raise Refused(f"LOAD <{iri}> is not allowed: this endpoint does not fetch remote documents")
    if not protocol_dataset:  # default-graph-uri / named-graph-uri replace FROM entirely
        for iri in analysis.from_graphs:
            if is_remote(iri) and iri not in local_graphs and not allowed(iri):
                raise Refused(
                    f"FROM <{iri}> names no graph of this dataset, and this endpoint does not fetch remote graphs"
                )
