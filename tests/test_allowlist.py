"""The SERVICE/LOAD allowlist compares endpoints part by part (api/sparql_guard.allowlisted): a
string-prefix comparison would let ``http://partner.org`` admit ``http://partner.org.evil.example``."""

from __future__ import annotations

import pytest

from api.sparql_guard import Refused, allowlisted, analyse, check_outgoing


@pytest.mark.parametrize(("iri", "entry", "expected"), [
    ("http://partner.org/sparql", "http://partner.org", True),
    ("http://partner.org/sparql", "http://partner.org/", True),
    ("HTTP://Partner.ORG/sparql", "http://partner.org/", True),  # scheme and host are case-insensitive
    ("http://127.0.0.1:8001/sparql", "http://127.0.0.1:8001/sparql", True),
    ("http://127.0.0.1:8001/sparql/extra", "http://127.0.0.1:8001/sparql", True),
    ("http://partner.org.evil.example/sparql", "http://partner.org", False),  # another host
    ("http://partner.org@evil.example/sparql", "http://partner.org", False),  # user info hiding the host
    ("http://user:pw@partner.org/sparql", "http://partner.org/", False),  # credentials in the IRI
    ("http://127.0.0.1:8002/sparql", "http://127.0.0.1:8001/sparql", False),  # another port
    ("https://partner.org/sparql", "http://partner.org/", False),  # another scheme
    ("http://127.0.0.1:8001/sparqlx", "http://127.0.0.1:8001/sparql", False),  # not at a "/" boundary
    ("http://partner.org:99999/sparql", "http://partner.org/", False),  # unparsable port
])
def test_allowlist_matches_part_by_part(iri: str, entry: str, expected: bool) -> None:
    assert allowlisted(iri, entry) is expected


def test_lookalike_host_is_refused_by_the_guard() -> None:
    query = "SELECT * WHERE { SERVICE <http://partner.org.evil.example/sparql> { ?s ?p ?o } }"
    with pytest.raises(Refused, match="is not allowed"):
        check_outgoing(analyse(query), ("http://partner.org",), frozenset(), False)
    check_outgoing(analyse(query.replace(".evil.example", "")), ("http://partner.org",), frozenset(), False)
