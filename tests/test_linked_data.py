"""Linked data over HTTP: dereferencing and content negotiation, documents and headers, 404s,
bad input (path traversal, absurd Accept, huge paging), escaping (XSS), reverse proxies,
rdflib as a client, and the views, reading view, ontology, shapes, VoID and dumps — against a
real server on loopback serving the built graph."""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import re
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import httpx
import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, SKOS

from graph.build import BuildResult
from graph.config import Settings
from tests.servers import Server

BASE = "https://w3id.org/normgraph/"
NG = "https://w3id.org/normgraph/def/"
ID = BASE + "id/"
TOKEN = "ld-test-token"
NORM = ID + "norm/gge-2015-13c"
PHASE1 = "geneva-dialogue-phase-1-report"
BASELINE = "roles-and-responsibilities-of-states"
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def served(built: tuple[Settings, BuildResult], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    settings, _ = built
    data_dir = tmp_path_factory.mktemp("ld") / "var"
    shutil.copytree(settings.data_dir, data_dir, symlinks=True)
    server = Server(data_dir, {"NORMGRAPH_WRITE_TOKEN": TOKEN, "NORMGRAPH_WORKERS": "3"})
    yield server
    server.stop()


def get(server: Server, path: str, accept: str | None = None, **kwargs: object) -> httpx.Response:
    headers = dict(kwargs.pop("headers", {}) or {})  # type: ignore[call-overload]
    if accept is not None:
        headers["Accept"] = accept
    return httpx.get(server.url + path, headers=headers, timeout=60, **kwargs)  # type: ignore[arg-type]


def local(server: Server, iri: str) -> str:
    return "/" + iri[len(BASE):]


def raw_get(server: Server, path: str) -> tuple[int, str]:
    """A request whose path is sent exactly as given (no client-side normalisation of '..')."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
    conn.putrequest("GET", path, skip_accept_encoding=True)
    conn.putheader("Accept", "text/html")
    conn.endheaders()
    response = conn.getresponse()
    body = response.read().decode("utf-8", "replace")
    conn.close()
    return response.status, body


# -- dereferencing and content negotiation ----------------------------------------------------------

@pytest.mark.parametrize(("accept", "suffix"), [
    ("text/html", ".html"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8", ".html"),
    ("text/turtle", ".ttl"),
    ("application/ld+json", ".jsonld"),
    ("application/n-triples", ".nt"),
    ("application/rdf+xml", ".rdf"),
    ("application/trig", ".trig"),
    ("text/turtle;q=0.5, application/rdf+xml;q=0.9", ".rdf"),
    ("*/*", ".html"),
    (None, ".html"),
])
def test_resource_iri_answers_303_to_the_negotiated_document(served: Server, accept: str | None, suffix: str) -> None:
    r = get(served, "/id/norm/gge-2015-13c", accept)
    assert r.status_code == 303
    assert r.headers["location"] == served.url + "/id/norm/gge-2015-13c" + suffix
    assert "Accept" in r.headers["vary"]
    links = r.headers["link"]
    for media in ("text/html", "text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"):
        assert f'type="{media}"' in links and 'rel="alternate"' in links


def test_format_parameter_and_suffixes(served: Server) -> None:
    r = get(served, "/id/norm/gge-2015-13c?format=ttl", "text/html")
    assert r.status_code == 303 and r.headers["location"].endswith("/id/norm/gge-2015-13c.ttl")
    assert get(served, "/id/norm/gge-2015-13c?format=nonsense").status_code == 400
    for suffix, media, fmt in [(".ttl", "text/turtle", "turtle"), (".jsonld", "application/ld+json", "json-ld"),
                               (".nt", "application/n-triples", "nt"), (".rdf", "application/rdf+xml", "xml")]:
        r = get(served, "/id/norm/gge-2015-13c" + suffix)
        assert r.status_code == 200, suffix
        assert r.headers["content-type"].split(";")[0] == media
        g = Graph().parse(data=r.content, format=fmt)
        assert (URIRef(NORM), SKOS.notation, Literal("13(c)")) in g
        assert 'rel="alternate"' in r.headers["link"]
    for suffix, fmt in [(".trig", "trig"), (".nq", "nquads")]:
        r = get(served, "/id/norm/gge-2015-13c" + suffix)
        ds = Dataset()
        ds.parse(data=r.content, format=fmt)
        graphs = {str(c.identifier) for c in ds.graphs()}
        assert BASE + "graph/document/" + PHASE1 in graphs and BASE + "graph/curation" in graphs


def test_html_document_headers_and_structure(served: Server) -> None:
    r = get(served, "/id/norm/gge-2015-13c.html")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'none'" in csp and "http" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    html = r.text
    assert "<title>GGE 2015 norm 13(c) — normgraph</title>" in html
    for suffix in ("ttl", "jsonld", "nt", "rdf"):
        assert '<link rel="alternate" type="' in html and f'/id/norm/gge-2015-13c.{suffix}"' in html
    assert '<script type="application/ld+json">' in html
    data = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1))
    ids = {node["@id"] for node in data["@graph"]}
    assert NORM in ids
    # labels, not raw IRIs; the neighbourhood diagram with clickable nodes
    assert ">Report of the Group of Governmental Experts" in html
    assert '<svg class="diagram"' in html and '<a href="/id/' in html.split('<svg class="diagram"')[1].split("</svg>")[0]
    # no external resources at all
    assert not re.search(r'(?:src|href)="https?://(?!127\.0\.0\.1)[^"]*\.(?:css|js)"', html)


def test_named_graphs_and_the_dataset_dereference(served: Server) -> None:
    r = get(served, "/graph/inferred", "text/turtle")
    assert r.status_code == 303 and r.headers["location"].endswith("/graph/inferred.ttl")
    g = Graph().parse(data=get(served, "/graph/inferred.ttl").content, format="turtle")
    assert (URIRef(BASE + "graph/inferred"), URIRef(NG + "inferred"), Literal(True)) in g
    page = get(served, "/id/dataset.html")
    assert page.status_code == 200 and "normgraph" in page.text


def test_unknown_iris_are_a_real_404(served: Server) -> None:
    r = get(served, "/id/norm/no-such-norm", "text/html")
    assert r.status_code == 404
    assert "<title>Not found — normgraph</title>" in r.text and "no-such-norm" in r.text
    assert r.headers["content-security-policy"]
    assert get(served, "/id/norm/no-such-norm", "text/turtle").status_code == 404
    assert get(served, "/id/norm/no-such-norm.ttl").status_code == 404
    assert get(served, "/def/NoSuchTerm", "text/html").status_code == 404
    assert get(served, "/shapes/NoSuchShape").status_code == 404
    assert get(served, "/read/no-such-document").status_code == 404


def test_bad_input_is_a_clear_4xx_never_a_500(served: Server) -> None:
    for path in ["/id/../../etc/passwd", "/id/norm/../cluster/states", "/id/%2e%2e/%2e%2e/etc/passwd", "/id/a%00b",
                 "/def/%2e%2e/app.py", "/read/%2e%2e", "/dumps/%2e%2e", "/id/norm//x", "/id/" + "a" * 3000,
                 "/id/norm/%3Cscript%3E", "/shapes/%2e%2e/x"]:
        status, body = raw_get(served, path)
        assert 400 <= status < 500, (path, status, body[:200])
        assert "Traceback" not in body
    status, body = raw_get(served, "/id/norm/../cluster/states")
    assert status == 400 and "traversal" in body
    assert get(served, "/static/../app.py").status_code == 404
    huge = get(served, "/id/norm/gge-2015-13c", "text/html;q=0.5," * 2000)
    assert huge.status_code == 400 and "Accept" in huge.text
    assert get(served, "/id/norm/gge-2015-13c", "image/png").status_code == 406
    assert get(served, "/id/norm/gge-2015-13c", "!!!, ;;; q=x").status_code == 303  # garbage ranges are ignored
    for path in ["/id/cluster/states.html?in=ng:bearer&page=99999999", "/id/cluster/states.html?in=ng:bearer&page=-1",
                 "/id/cluster/states.html?in=ng:bearer&page=abc", "/browse/norms?per=100000", "/browse/norms?page=0",
                 "/browse/norms?sort=evil", "/browse/norms?bogus=1", "/id/cluster/states.html?in=nope",
                 "/read/" + PHASE1 + "?hl=5,2", "/read/" + PHASE1 + "?hl=x", "/search?q=" + "x" * 500, "/search?q=a"]:
        r = get(served, path)
        assert 400 <= r.status_code < 500, (path, r.status_code)
    assert get(served, "/browse/norms?page=50").status_code == 404  # past the end


def test_reverse_proxy_headers_shape_every_url(served: Server) -> None:
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "kg.example.org", "X-Forwarded-Prefix": "/normgraph"}
    r = get(served, "/id/norm/gge-2015-13c", "text/html", headers=headers)
    assert r.status_code == 303
    assert r.headers["location"] == "https://kg.example.org/normgraph/id/norm/gge-2015-13c.html"
    page = get(served, "/id/norm/gge-2015-13c.html", headers=headers).text
    assert 'href="/normgraph/static/style.css"' in page
    assert 'href="https://kg.example.org/normgraph/id/norm/gge-2015-13c.ttl"' in page
    assert 'href="/id/' not in page  # every internal link carries the prefix
    ttl = get(served, "/id/norm/gge-2015-13c.ttl", headers=headers).text
    assert "<https://kg.example.org/normgraph/id/norm/gge-2015-13c.ttl>" in ttl
    assert NORM in ttl  # IRIs stay under the persistent base
    bad = get(served, "/id/norm/gge-2015-13c", headers={"X-Forwarded-Prefix": "/x/../y"})
    assert bad.status_code == 400


def test_rdflib_dereferences_iris_by_content_negotiation(served: Server) -> None:
    url = served.url + "/id/norm/gge-2015-13c"
    g = Graph().parse(url)  # rdflib's own Accept header, following the 303
    assert (URIRef(NORM), SKOS.notation, Literal("13(c)")) in g
    assert (URIRef(NORM), URIRef(NG + "instrument"), URIRef(ID + "instrument/a-70-174")) in g
    # incoming links and the labels of neighbours come along
    assert (URIRef(ID + "responsibility/states/gge-2015-13c"), URIRef(NG + "servesNorm"), URIRef(NORM)) in g
    assert any(True for _ in g.objects(URIRef(ID + "instrument/a-70-174"), None))
    for fmt in ("turtle", "xml", "json-ld", "nt"):
        g2 = Graph().parse(url, format=fmt)
        assert (URIRef(NORM), SKOS.notation, Literal("13(c)")) in g2, fmt


def test_inferred_statements_are_marked(served: Server) -> None:
    path = "/id/responsibility/states/awareness-raising"
    html = get(served, path + ".html").text
    assert 'class="badge inferred"' in html and "why?" in html
    ds = Dataset()
    ds.parse(data=get(served, path + ".trig").content, format="trig")
    inferred = ds.graph(URIRef(BASE + "graph/inferred"))
    assert (URIRef(ID + "responsibility/states/awareness-raising"), RDF.type, URIRef(NG + "SoftResponsibility")) in inferred
    g = Graph().parse(data=get(served, path + ".ttl").content, format="turtle")
    records = list(g.subjects(RDF.type, URIRef(NG + "Inference")))
    assert records and all((r, RDF.subject, URIRef(ID + "responsibility/states/awareness-raising")) in g for r in records)


def test_evidence_links_to_the_exact_place_in_the_reading_view(served: Server, select: Callable) -> None:
    row = select(f"SELECT ?s ?e ?exact WHERE {{ <{NORM}> ng:evidence ?q . ?q oa:start ?s ; oa:end ?e ; oa:exact ?exact }}")[0]
    start, end = row["s"], row["e"]
    html = get(served, "/id/norm/gge-2015-13c.html").text
    assert f"/read/{PHASE1}?hl={start}%2C{end}#char={start},{end}" in html
    page = get(served, f"/read/{PHASE1}?hl={start},{end}").text
    assert f'id="char={start},{end}"' in page and 'class="q q-' in page
    assert row["exact"][:40] in page
    assert "target" in page


def test_reading_view_is_the_documents_normalised_text(served: Server, select: Callable) -> None:
    for slug in (PHASE1, BASELINE):
        text = get(served, f"/read/{slug}.txt").text
        recorded = Graph().parse(data=get(served, f"/id/document/{slug}.ttl").content, format="turtle").value(
            URIRef(ID + "document/" + slug), URIRef(NG + "textSha256"))
        assert hashlib.sha256(text.encode("utf-8")).hexdigest() == str(recorded)
        page = get(served, f"/read/{slug}")
        assert page.status_code == 200 and "does not match" not in page.text
        assert 'id="fn-1"' in page.text and 'href="#fn-1"' in page.text
    page = get(served, f"/read/{BASELINE}").text
    assert 'class="cites"' in page and "/id/work/" in page  # notes link to the cited works
    sections = select(f"SELECT ?s WHERE {{ ?s a ng:Section ; ng:inDocument <{ID}document/{BASELINE}> }}")
    prefix = f"{ID}section/{BASELINE}/"
    for row in sections:
        assert f'id="s-{row["s"][len(prefix):]}"' in page
    paragraphs = select(f"SELECT ?p WHERE {{ ?p a ng:Paragraph ; ng:inDocument <{ID}document/{BASELINE}> }}")
    prefix = f"{ID}paragraph/{BASELINE}/"
    for row in paragraphs:
        assert f'id="p-{row["p"][len(prefix):]}"' in page
    assert 'class="q q-claim' in page


def test_escaping_of_literals_in_pages_and_embedded_json_ld(served: Server) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}", "Content-Type": "text/turtle"}
    evil = '<script>alert("x")</script> & </script><img src=x onerror=alert(1)>'
    turtle = (f'<{ID}actor/xss-probe> a <{NG}Organisation> ; <http://www.w3.org/2000/01/rdf-schema#label> '
              f'"{evil.replace(chr(34), chr(92) + chr(34))}"@en ; <{NG}memberOfCluster> <{ID}cluster/private-sector> .\n'
              f'<{NORM}> <http://www.w3.org/2004/02/skos/core#altLabel> "</script><script>alert(2)</script>" .')
    put = httpx.put(served.store, params={"graph": BASE + "graph/xss-test"}, headers=auth, content=turtle.encode())
    assert put.status_code in (201, 204)
    try:
        deadline = time.monotonic() + 30
        while get(served, "/id/actor/xss-probe", "text/html").status_code != 303 and time.monotonic() < deadline:
            time.sleep(0.2)
        for path in ["/id/actor/xss-probe.html", "/id/norm/gge-2015-13c.html", "/id/cluster/private-sector.html",
                     "/search?q=alert", "/browse/actors"]:
            html = get(served, path).text
            assert "<script>alert" not in html and "<img src=x" not in html, path
            scripts = re.findall(r"<script[^>]*>(.*?)</script>", html, re.S)
            for body in scripts:  # only the JSON-LD data block, which stays valid JSON
                assert "<" not in body and ">" not in body
                json.loads(body)
            if path != "/browse/actors":
                assert "&lt;script&gt;alert" in html, path
        page = get(served, "/id/norm/gge-2015-13c.html").text
        ld = json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))
        node = next(n for n in ld["@graph"] if n["@id"] == NORM)
        assert "</script><script>alert(2)</script>" in node["skos:altLabel"]
        assert "\\u003c/script\\u003e" in page
    finally:
        httpx.delete(served.store, params={"graph": BASE + "graph/xss-test"}, headers=auth)


def test_incoming_links_have_counts_and_paging(served: Server) -> None:
    html = get(served, "/id/cluster/states.html").text
    m = re.search(r"is bearer of <span class=\"count\">(\d+)</span>", html)
    assert m and int(m.group(1)) > 50
    assert "?in=ng%3Abearer#incoming" in html
    first = get(served, "/id/cluster/states.html?in=ng:bearer")
    second = get(served, "/id/cluster/states.html?in=ng:bearer&page=2")
    assert first.status_code == second.status_code == 200
    items = re.findall(r'<li><a href="(/id/responsibility/[^"]+)"', first.text)
    items2 = re.findall(r'<li><a href="(/id/responsibility/[^"]+)"', second.text)
    assert len(items) == 50 and items2 and not set(items) & set(items2)
    assert 'rel="next"' in first.text and 'rel="prev"' in second.text


def test_annex_1_view_is_regenerated_cell_by_cell(served: Server, select: Callable) -> None:
    html = get(served, "/views/annex-1").text
    table = html.split('<table class="grid annex-table">')[1].split("</table>")[0]
    rows = re.findall(r'<tr><th scope="row">', table)
    assert len(rows) == select("SELECT (COUNT(DISTINCT ?r) AS ?n) WHERE { ?a a ng:Annex ; ng:hasRow ?r }")[0]["n"]
    assert table.count('class="empty"') == select("SELECT (COUNT(?c) AS ?n) WHERE { ?c ng:isEmpty true }")[0]["n"]
    for row in select("SELECT ?n WHERE { ?a ng:omitsNorm ?o . ?o skos:notation ?n }"):
        assert f">{row['n']}<" in html.split("Norms the annex has no row for")[1]
    for row in select("SELECT ?c WHERE { ?c a ng:AnnexCell }"):
        assert f'href="{local(served, row["c"])}"' in table
    for row in select("SELECT ?t WHERE { ?e a ng:AnnexEntry ; ng:refersTo ?t }"):
        assert f'href="{local(served, row["t"])}"' in table
    for row in select("SELECT ?r WHERE { ?e a ng:AnnexEntry ; ng:expresses ?c . ?c ng:about ?r }"):
        assert f'href="{local(served, row["r"])}"' in table
    for row in select("SELECT DISTINCT ?h WHERE { ?c ng:columnHeader ?h }"):
        assert row["h"].replace("&", "&amp;") in table  # column headers as printed
    ttl = get(served, "/views/annex-1?format=ttl")
    assert ttl.status_code == 200 and len(Graph().parse(data=ttl.content, format="turtle")) > 50


def test_responsibility_matrix(served: Server) -> None:
    html = get(served, "/views/responsibility-matrix").text
    assert "Responsibility matrix" in html and ">assumed<" in html and ">advocated<" in html and ">suggested<" in html
    totals = re.search(r'<tr class="totals">(.*?)</tr>', html, re.S).group(1)
    assert sum(int(n) for n in re.findall(r"<td>(\d+)</td>", totals)) == len(set(re.findall(r'href="(/id/claim/[^"]+)"', html)))


def test_indexes_search_and_listings(served: Server, select: Callable) -> None:
    n_norms = select("SELECT (COUNT(DISTINCT ?n) AS ?c) WHERE { ?n a/rdfs:subClassOf* ng:Norm }")[0]["c"]
    n_voluntary = select("SELECT (COUNT(DISTINCT ?n) AS ?c) WHERE { ?n a ng:VoluntaryNorm }")[0]["c"]
    norms = get(served, "/browse/norms").text
    assert f'<span class="count">{n_norms}</span>' in norms
    filtered = get(served, "/browse/norms?kind=voluntary+norm").text
    assert f'<span class="count">{n_voluntary}</span>' in filtered
    by_year = get(served, "/browse/sources?sort=year&order=desc&per=10")
    assert by_year.status_code == 200 and 'rel="next"' in by_year.text
    resp = get(served, "/browse/responsibilities?modality=" + ID + "dimension/restraint").text
    assert "Refrain from" in resp
    found = get(served, "/search?q=supply chain").text
    assert "/id/norm/gge-2015-13i" in found and "<mark>" in found
    for path in ["/browse", "/browse/actors", "/browse/claims", "/browse/initiatives", "/browse/questions",
                 "/browse/concepts", "/browse/clusters", "/browse/graphs", "/browse/class/Quote", "/documents", "/"]:
        r = get(served, path)
        assert r.status_code == 200, path
        assert "<title>" in r.text and 'rel="alternate"' in r.text, path


def test_ontology_is_published_at_its_namespace(served: Server) -> None:
    r = get(served, "/def/", "text/turtle")
    assert r.status_code == 303 and r.headers["location"].endswith("/def/normgraph.ttl")
    g = Graph().parse(data=get(served, "/def/normgraph.ttl").content, format="turtle")
    assert (URIRef(NG + "Responsibility"), RDF.type, OWL.Class) in g
    for suffix, fmt in (("rdf", "xml"), ("jsonld", "json-ld"), ("nt", "nt")):
        assert len(Graph().parse(data=get(served, "/def/normgraph." + suffix).content, format=fmt)) == len(g)
    term = get(served, "/def/Responsibility", "text/html")
    assert term.status_code == 303 and term.headers["location"].endswith("/def/normgraph.html#Responsibility")
    doc = get(served, "/def/normgraph.html").text
    assert 'id="Responsibility"' in doc and 'id="bearer"' in doc and "instances" in doc
    assert re.search(r'id="Responsibility".*?usage</dt><dd>\d+ instances', doc, re.S)
    # datatypes and the ng: individuals (graph roles) are documented too
    assert 'id="datatypes"' in doc and 'id="Iso3166Alpha2"' in doc and "two capital letters" in doc
    assert re.search(r'id="individuals".*LinksGraph', doc, re.S)
    rdf = get(served, "/def/bearer", "text/turtle")
    assert rdf.status_code == 303
    assert (URIRef(NG + "bearer"), RDF.type, OWL.ObjectProperty) in Graph().parse(
        data=get(served, "/def/bearer.ttl").content, format="turtle")
    version = get(served, "/def/0.1.0", "text/turtle")
    assert version.status_code == 303 and version.headers["location"].endswith("/def/0.1.0.ttl")
    assert get(served, "/def/0.1.0.ttl").content == (ROOT / "ontology" / "normgraph.ttl").read_bytes()


def test_shapes_and_data_quality(served: Server) -> None:
    r = get(served, "/shapes", "text/turtle")
    assert r.status_code == 303 and r.headers["location"].endswith("/shapes.ttl")
    assert get(served, "/shapes.ttl").content == (ROOT / "shapes" / "normgraph-shapes.ttl").read_bytes()
    html = get(served, "/shapes.html").text
    assert 'id="AnActor"' in html and "applies to" in html
    shape = get(served, "/shapes/AnActor", "text/html")
    assert shape.status_code == 303 and shape.headers["location"].endswith("/shapes.html#AnActor")
    deadline = time.monotonic() + 240
    while True:
        q = get(served, "/quality?format=json")
        if q.status_code == 200 or time.monotonic() > deadline:
            break
        time.sleep(2)
    assert q.status_code == 200 and q.json()["conforms"] is True
    assert "conforms to the shapes" in get(served, "/quality").text


def test_void_dcat_dumps_and_sitemap(served: Server, built: tuple[Settings, BuildResult]) -> None:
    r = get(served, "/.well-known/void", "text/turtle")
    assert r.status_code == 200 and "Accept" in r.headers["vary"]
    g = Graph().parse(data=r.content, format="turtle")
    ds = URIRef(ID + "dataset")
    void = "http://rdfs.org/ns/void#"
    dcat = "http://www.w3.org/ns/dcat#"
    spdx = "http://spdx.org/rdf/terms#"
    assert (ds, URIRef(void + "sparqlEndpoint"), URIRef(served.url + "/sparql")) in g
    assert len(list(g.objects(ds, URIRef(void + "classPartition")))) > 20
    assert len(list(g.objects(ds, URIRef(void + "propertyPartition")))) > 50
    assert (ds, URIRef("http://purl.org/dc/terms/license"), URIRef("https://creativecommons.org/licenses/by/4.0/")) in g
    sums = {}
    for dist in g.objects(ds, URIRef(dcat + "distribution")):
        url = g.value(dist, URIRef(dcat + "downloadURL"))
        checksum = g.value(dist, URIRef(spdx + "checksum"))
        if url is not None:
            sums[str(url)] = str(g.value(checksum, URIRef(spdx + "checksumValue")))
    assert len(sums) == 4
    for url, sha in sums.items():
        data = httpx.get(url, timeout=120).content
        assert hashlib.sha256(data).hexdigest() == sha, url
        if url.endswith(".nq.gz"):
            lines = [line for line in gzip.decompress(data).decode().splitlines() if line.strip()]
            assert len(lines) == sum(built[1].manifest["graphs"].values())
    html = get(served, "/.well-known/void", "text/html")
    assert html.status_code == 200 and "Dumps" in html.text
    sitemap = get(served, "/sitemap.xml")
    locs = [el.text for el in ET.fromstring(sitemap.content).iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert served.url + "/id/norm/gge-2015-13c.html" in locs and len(locs) > 3000
    assert "Sitemap: " in get(served, "/robots.txt").text
    assert get(served, "/dumps/SHA256SUMS").text.count("normgraph.") == 4


def test_every_page_cites_the_dataset_version(served: Server) -> None:
    html = get(served, "/id/cluster/private-sector.html").text
    assert "Cite this" in html and f"{ID}cluster/private-sector" in html and "Dataset version 0.1.0" in html
    assert 'href="/.well-known/void"' in html


def test_head_requests(served: Server) -> None:
    r = httpx.head(served.url + "/id/norm/gge-2015-13c", headers={"Accept": "text/turtle"})
    assert r.status_code == 303
    assert httpx.head(served.url + "/id/norm/gge-2015-13c.html").status_code == 200



def test_a_dataset_built_under_another_base_is_served_under_it(tmp_path: Path) -> None:
    """IRIs minted under a persistent base (here http://example.org/kg/) dereference on whatever host serves
    them: the server takes the base from the published dataset's manifest."""
    from graph.build import build

    base = "http://example.org/kg/"
    build(Settings.from_env(data_dir=tmp_path / "var", base=base), quiet=True, reasoning=False)
    server = Server(tmp_path / "var")
    try:
        r = get(server, "/id/norm/gge-2015-13c", "text/turtle")
        assert r.status_code == 303
        g = Graph().parse(r.headers["location"])
        assert (URIRef(base + "id/norm/gge-2015-13c"), SKOS.notation, Literal("13(c)")) in g
        assert not any(str(s).startswith(BASE + "id/") for s in g.subjects())
        assert (URIRef(base + "id/norm/gge-2015-13c"), RDF.type, URIRef(NG + "Norm")) in g  # the vocabulary stays ng:
        page = get(server, "/id/norm/gge-2015-13c.html").text
        assert f"<code>{base}id/norm/gge-2015-13c</code>" in page and 'href="/id/instrument/a-70-174"' in page
        for path in ("/", "/views/annex-1", "/views/responsibility-matrix", f"/read/{PHASE1}", "/browse/norms",
                     "/graph/curation.html", "/def/normgraph.html"):
            assert get(server, path).status_code == 200, path
    finally:
        server.stop()
