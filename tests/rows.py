"""Query answers as plain Python values, for the fact tests on either store backend."""

from __future__ import annotations

import pyoxigraph as ox


def plain(term: object) -> object:
    """An RDF term as the fact tests compare it: integers and booleans as Python values, IRIs and
    other literals as their string value, unbound as None."""
    if isinstance(term, ox.Literal):
        dt = term.datatype.value
        if dt.endswith(("#integer", "#nonNegativeInteger", "#int")):
            return int(term.value)
        if dt.endswith("#boolean"):
            return term.value == "true"
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    return None if term is None else str(term)
