"""DESCRIBE with the embedded store's meaning, as a CONSTRUCT any SPARQL server runs alike.

SPARQL leaves DESCRIBE to the server. The embedded store (pyoxigraph) answers with the
resource's own triples and those of the blank nodes they lead to; Virtuoso adds triples of other
subjects that point at the resource. So a DESCRIBE sent to a remote store is rewritten into a
CONSTRUCT of exactly that: the described resources' outgoing triples, plus those of blank nodes
reached through blank nodes only (up to ``DEPTH`` hops). The query is split by the guard's lexer,
so keywords inside strings, IRIs and comments do not count."""

from __future__ import annotations

from api.sparql_guard import _TOKEN

DEPTH = 8  # blank-node hops followed from a described resource
_END_OF_TARGETS = {"WHERE", "FROM", "ORDER", "LIMIT", "OFFSET", "VALUES", "GROUP", "HAVING"}


def _tokens(text: str) -> list[tuple[str, str, int, int]]:
    return [(m.lastgroup or "other", m.group(0), m.start(), m.end()) for m in _TOKEN.finditer(text)
            if (m.lastgroup or "other") not in ("ws", "comment")]


def _closure(hops_max: int) -> str:
    """The triples of ?__d and of the blank nodes reached from it through blank nodes."""
    branches = ["{ ?__d ?__p ?__o BIND(?__d AS ?__s) }"]
    for depth in range(1, hops_max + 1):
        hops, previous = [], "?__d"
        for i in range(1, depth + 1):
            node = "?__s" if i == depth else f"?__b{i}"
            hops.append(f"{previous} ?__q{i} {node} FILTER(isBlank({node}))")
            previous = node
        branches.append("{ " + " ".join(hops) + " ?__s ?__p ?__o }")
    # inside GRAPH: a blank node belongs to one graph, and engines plan these joins far better per
    # graph than over a default graph merged from many (Virtuoso: 10 s and wrong answers otherwise)
    return "GRAPH ?__g { " + " UNION ".join(branches) + " }"


def describe_as_construct(text: str, depth: int = DEPTH) -> str:
    """The DESCRIBE query ``text`` as an equivalent CONSTRUCT (other queries are returned as they are).
    ``depth`` 0: the resources' own triples only (a quick first look: are there blank nodes?)."""
    tokens = _tokens(text)
    start = next((i for i, t in enumerate(tokens) if t[0] == "word" and t[1].upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")),
                 None)
    if start is None or tokens[start][1].upper() != "DESCRIBE":
        return text
    prologue = text[:tokens[start][2]]
    i = start + 1
    targets: list[tuple[str, str]] = []
    while i < len(tokens) and tokens[i][1] != "{" and not (tokens[i][0] == "word" and tokens[i][1].upper() in _END_OF_TARGETS):
        targets.append((tokens[i][0], tokens[i][1]))
        i += 1
    rest = text[tokens[i][2]:] if i < len(tokens) else ""
    from_clauses = ""
    while i < len(tokens) and tokens[i][0] == "word" and tokens[i][1].upper() == "FROM":  # keep FROM [NAMED] <g>
        j = i + 2 if i + 1 < len(tokens) and tokens[i + 1][1].upper() == "NAMED" else i + 1
        from_clauses += text[tokens[i][2]:tokens[j][3]] + " "
        i = j + 1
        rest = text[tokens[i][2]:] if i < len(tokens) else ""
    has_where = bool(rest.strip())
    if targets == [("other", "*")]:
        targets = sorted({("var", t[1]) for t in _tokens(rest) if t[0] == "var"})
    parts = []
    for kind, value in targets:
        if kind == "var":
            if not has_where:
                continue  # a variable with no WHERE clause describes nothing
            parts.append(f"{{ SELECT DISTINCT ({value} AS ?__d) {rest} }}")
        else:
            parts.append(f"{{ VALUES ?__d {{ {value} }} }}")
    if not parts:
        return prologue + "CONSTRUCT {} WHERE {}"
    described = " UNION ".join(parts)
    return (f"{prologue}CONSTRUCT {{ ?__s ?__p ?__o }} {from_clauses}WHERE {{ {{ SELECT DISTINCT ?__d WHERE {{ {described} }} }} "
            f"{_closure(depth)} }}")
