"""The workbench page: one HTML document, no inline script or style; the settings the scripts
need (IRI base, prefixes) travel in ``data-`` attributes, every value HTML-escaped."""

from __future__ import annotations

import html
import json

from loaders.namespaces import NG, Iris

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
USUAL_PREFIXES = ("ng", "ngr", "rdf", "rdfs", "owl", "xsd", "skos", "dcterms", "prov", "foaf", "oa", "cito", "schema",
                  "void")
STARTER = """SELECT ?norm ?notation ?text WHERE {
  ?norm a ng:Norm ;
        skos:notation ?notation ;
        ng:normText ?text .
}
ORDER BY ?notation
"""


def default_query(iris: Iris) -> str:
    """The usual prefixes and a first question (the GGE norms)."""
    prefixes = iris.prefixes()
    lines = [f"PREFIX {name}: <{prefixes[name]}>" for name in USUAL_PREFIXES]
    return "\n".join(lines) + "\n\n" + STARTER


def local_paths(iris: Iris) -> list[tuple[str, str]]:
    """IRI namespaces this server dereferences, and the path (relative to the site root) of each."""
    pairs = [(iris.base, "")]
    if not str(NG).startswith(iris.base):
        pairs.append((str(NG), "def/"))
    return pairs


def render(iris: Iris, query: str | None) -> str:
    text = query if query is not None else default_query(iris)
    data = {
        "data-prefixes": json.dumps(iris.prefixes(), separators=(",", ":")),
        "data-local": json.dumps(local_paths(iris), separators=(",", ":")),
        "data-autorun": "true" if query else "false",
    }
    attrs = " ".join(f'{name}="{html.escape(value, quote=True)}"' for name, value in data.items())
    before, _, after = TEMPLATE.partition("{body_attrs}")
    middle, _, end = after.partition("{query}")
    # the newline after <textarea> is dropped by the HTML parser, so a query's own first newline is kept
    return before + attrs + middle + "\n" + html.escape(text, quote=False) + end


TEMPLATE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>SPARQL workbench · normgraph</title>
<link rel="icon" href="workbench/static/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="workbench/static/workbench.css">
<script type="module" src="workbench/static/main.js"></script>
</head>
<body {body_attrs}>
<header class="top">
  <a class="brand" href="./">normgraph</a>
  <nav aria-label="site">
    <a href="workbench" aria-current="page">Workbench</a>
    <a href="api/queries">Ready-made queries</a>
    <a href="docs">API</a>
  </nav>
</header>
<main class="wb">
  <h1>SPARQL workbench</h1>
  <noscript><p class="error">The workbench needs JavaScript. The endpoint itself answers at
    <a href="sparql">sparql</a> (SPARQL 1.1 Protocol).</p></noscript>
  <section class="examples" aria-labelledby="examples-label">
    <label id="examples-label" for="examples">Examples: ready-made questions</label>
    <select id="examples" disabled><option value="">Loading the catalogue…</option></select>
    <div id="example-info" class="example-info" hidden>
      <p id="example-description"></p>
      <p id="example-params"></p>
      <p><a id="example-api" href="api/queries">This question as a JSON API</a></p>
    </div>
  </section>
  <section class="editor-panel" aria-label="query editor">
    <div class="editor" id="editor">
      <pre class="gutter" id="gutter" aria-hidden="true"></pre>
      <div class="code">
        <pre class="highlight" id="highlight" aria-hidden="true"></pre>
        <textarea id="query" name="query" spellcheck="false" wrap="off" autocomplete="off" autocapitalize="off"
          aria-label="SPARQL query" aria-describedby="editor-help">{query}</textarea>
      </div>
    </div>
    <p id="editor-help" class="help">Ctrl+Enter (⌘+Enter) runs the query. The default graph is the union of all
      named graphs.</p>
    <div class="toolbar">
      <button id="run" type="button" class="primary">Run</button>
      <button id="add-prefixes" type="button">Add missing prefixes</button>
      <button id="share" type="button">Copy link to this query</button>
      <label><input type="checkbox" id="inferred" checked> include inferred statements</label>
      <label><input type="checkbox" id="labels" checked> show labels</label>
    </div>
    <p class="share-line" id="share-line" hidden><label for="share-url">Shareable link</label>
      <input id="share-url" type="url" readonly></p>
  </section>
  <section id="error" class="error" role="alert" hidden>
    <p id="error-title" class="error-title"></p>
    <pre id="error-message"></pre>
  </section>
  <section id="results" class="results" aria-label="results" hidden>
    <div class="result-bar">
      <p id="status" class="status" data-state="idle" aria-live="polite"></p>
      <div id="downloads" class="downloads" aria-label="downloads"></div>
    </div>
    <div class="tabs" role="tablist" aria-label="result views">
      <button type="button" role="tab" id="tab-table" aria-controls="view-table" aria-selected="true">Table</button>
      <button type="button" role="tab" id="tab-chart" aria-controls="view-chart" aria-selected="false" hidden>Bar chart</button>
      <button type="button" role="tab" id="tab-diagram" aria-controls="view-diagram" aria-selected="false" hidden>Diagram</button>
    </div>
    <div id="view-table" role="tabpanel" aria-labelledby="tab-table">
      <div class="table-wrap"><table id="result-table"></table></div>
      <nav id="pager" class="pager" aria-label="result pages" hidden>
        <button type="button" id="page-prev">‹ Previous</button>
        <span id="page-info"></span>
        <button type="button" id="page-next">Next ›</button>
      </nav>
    </div>
    <div id="view-chart" role="tabpanel" aria-labelledby="tab-chart" hidden></div>
    <div id="view-diagram" role="tabpanel" aria-labelledby="tab-diagram" hidden></div>
  </section>
</main>
</body>
</html>
"""
