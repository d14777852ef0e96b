"""The workbench page over HTTP (no browser): headers, assets, escaping, the /sparql redirect."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import httpx
import pytest

from api.workbench.routes import STATIC_DIR
from graph.build import BuildResult
from graph.config import Settings
from tests.servers import Server

BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


@pytest.fixture(scope="module")
def served(built: tuple[Settings, BuildResult], tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    settings, _ = built
    data_dir = tmp_path_factory.mktemp("workbench") / "var"
    shutil.copytree(settings.data_dir, data_dir, symlinks=True)
    server = Server(data_dir, {"NORMGRAPH_WORKERS": "2"})
    yield server
    server.stop()


def csp_of(response: httpx.Response) -> dict[str, str]:
    policy = response.headers["content-security-policy"]
    return {part.split()[0]: part.strip() for part in policy.split(";") if part.strip()}


def test_page_is_served_with_a_strict_csp(served: Server) -> None:
    r = httpx.get(served.url + "/workbench")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    csp = csp_of(r)
    assert csp["default-src"] == "default-src 'self'"
    assert csp["script-src"] == "script-src 'self'"
    assert "unsafe-inline" not in r.headers["content-security-policy"]
    assert r.headers["x-content-type-options"] == "nosniff"
    # no inline script or style: every <script> has a src, no style attribute or element
    scripts = re.findall(r"<script\b[^>]*>", r.text)
    assert scripts and all("src=" in s for s in scripts)
    assert re.search(r"<script\b[^>]*>\s*[^<\s]", r.text) is None
    assert " style=" not in r.text and "<style" not in r.text
    # nothing from another host
    assert re.search(r"""(src|href)=["']?(https?:)?//""", r.text) is None


def test_every_asset_is_served_with_the_csp_and_its_type(served: Server) -> None:
    files = sorted(p.name for p in STATIC_DIR.iterdir() if p.is_file())
    assert {"main.js", "editor.js", "workbench.css", "favicon.svg"} <= set(files)
    page = httpx.get(served.url + "/workbench").text
    for name in ("main.js", "workbench.css", "favicon.svg"):
        assert f"workbench/static/{name}" in page
    for name in files:
        r = httpx.get(f"{served.url}/workbench/static/{name}")
        assert r.status_code == 200, name
        assert csp_of(r)["default-src"] == "default-src 'self'", name
        expected = {"js": "text/javascript", "css": "text/css", "svg": "image/svg+xml"}[name.rsplit(".", 1)[1]]
        assert r.headers["content-type"].startswith(expected), name
        assert r.content == (STATIC_DIR / name).read_bytes()
        again = httpx.get(f"{served.url}/workbench/static/{name}", headers={"If-None-Match": r.headers["etag"]})
        assert again.status_code == 304
        if name.endswith(".js"):  # DOM built with textContent/setAttribute; only relative fetches and imports
            assert "innerHTML" not in r.text and "outerHTML" not in r.text and "eval(" not in r.text
            assert re.search(r"""(fetch\(|from |import\()\s*["'`](https?:)?//""", r.text) is None
    assert httpx.get(served.url + "/workbench/static/nope.js").status_code == 404
    assert httpx.get(served.url + "/workbench/static/..%2Fpage.py").status_code == 404


def test_query_in_the_url_fills_the_editor_escaped(served: Server) -> None:
    evil = 'SELECT * WHERE { ?s ?p "</textarea><script>alert(1)</script>" }'
    r = httpx.get(served.url + "/workbench", params={"query": evil})
    assert r.status_code == 200
    assert "<script>alert(1)" not in r.text
    assert "&lt;/textarea&gt;&lt;script&gt;alert(1)&lt;/script&gt;" in r.text
    assert 'data-autorun="true"' in r.text
    plain = httpx.get(served.url + "/workbench")
    assert 'data-autorun="false"' in plain.text and "PREFIX ng: &lt;https://w3id.org/normgraph/def/&gt;" in plain.text


def test_browsers_asking_the_endpoint_for_html_go_to_the_workbench(served: Server) -> None:
    r = httpx.get(served.sparql, headers={"Accept": BROWSER_ACCEPT})
    assert r.status_code == 303
    assert r.headers["location"] == served.url + "/workbench"
    followed = httpx.get(served.sparql, headers={"Accept": BROWSER_ACCEPT}, follow_redirects=True)
    assert followed.status_code == 200 and "<textarea" in followed.text
    # RDF clients still get the service description
    assert httpx.get(served.sparql, headers={"Accept": "text/turtle"}).headers["content-type"].startswith("text/turtle")


def test_query_page_carries_the_query() -> None:
    from api.app import query_page

    r = query_page("https://example.org/prefix/sparql", "SELECT * WHERE { ?s ?p ?o }")
    assert r.status_code == 303
    assert r.headers["location"] == "https://example.org/prefix/workbench?query=SELECT+%2A+WHERE+%7B+%3Fs+%3Fp+%3Fo+%7D"
    assert query_page("http://h/sparql").headers["location"] == "http://h/workbench"
