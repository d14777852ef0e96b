"""Bind query variables to RDF terms in the query text, safely, for stores that take only text.

The embedded store binds a canned query's parameters engine-side (pyoxigraph ``substitutions``:
the variable becomes that term everywhere). A remote store gets text, so the same effect is
produced by a ``VALUES ?var { term }`` block placed at the start of every group graph pattern
that mentions the variable — the top-level WHERE, each OPTIONAL/UNION/GRAPH/MINUS/EXISTS group
and each subquery's WHERE — so a subquery with a LIMIT sees the bound value as it does with
engine-side substitution, not all values. The term is written from a validated RDF term in
N-Triples syntax (escaped by pyoxigraph), never pasted from user text; the query itself is
split by the same lexer as the SPARQL guard, so braces inside strings, IRIs and comments do not
count."""

from __future__ import annotations

import pyoxigraph as ox

from api.sparql_guard import _TOKEN

Term = ox.NamedNode | ox.Literal


def sparql_term(term: Term) -> str:
    if not isinstance(term, ox.NamedNode | ox.Literal):
        raise ValueError(f"only IRIs and literals can be bound, not {term!r}")
    return str(term)  # N-Triples syntax, which is also SPARQL syntax (quotes and newlines escaped)


def bind_values(text: str, bindings: dict[str, Term]) -> str:
    """``text`` with each variable of ``bindings`` bound by VALUES in every group that mentions it."""
    if not bindings:
        return text
    written = {name: sparql_term(term) for name, term in bindings.items()}
    tokens = []  # (kind, value, start, end) of the significant tokens
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind not in ("ws", "comment"):
            tokens.append((kind, m.group(0), m.start(), m.end()))
    stack: list[tuple[int, bool]] = []  # (token index of "{", whether it opens a group graph pattern)
    groups: list[tuple[int, int]] = []  # (index of "{", index of "}")
    in_values = False
    for i, (kind, value, _, _) in enumerate(tokens):
        word = value.upper() if kind == "word" else ""
        if word == "VALUES":
            in_values = True
        if value == "{":
            previous = tokens[i - 1][1].upper() if i > 0 else ""
            parent_is_group = stack[-1][1] if stack else True
            is_group = parent_is_group and not in_values and previous not in ("CONSTRUCT", "DATA")
            in_values = False
            stack.append((i, is_group))
        elif value == "}" and stack:
            start, is_group = stack.pop()
            opens_subquery = start + 1 < len(tokens) and tokens[start + 1][1].upper() == "SELECT"
            if is_group and not opens_subquery:
                groups.append((start, i))
    inserts: list[tuple[int, str]] = []
    for start, end in groups:
        mentioned = {tokens[j][1][1:] for j in range(start + 1, end) if tokens[j][0] == "var"}
        block = "".join(f" VALUES ?{name} {{ {written[name]} }}" for name in written if name in mentioned)
        if block:
            inserts.append((tokens[start][3], block + " "))
    for offset, block in sorted(inserts, reverse=True):
        text = text[:offset] + block + text[offset:]
    return text

