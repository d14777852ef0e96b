"""HTML: escaping, the page layout (head with alternates and embedded JSON-LD, navigation,
"cite this" footer) and the response headers every page gets (CSP allowing nothing external)."""

from __future__ import annotations

import datetime as dt
import html as _html
from collections.abc import Iterable

from fastapi.responses import Response

from api.linked_data.index import Index
from api.linked_data.negotiation import DocFormat, link_header
from api.linked_data.site import XSD, Ctx, Site, Term
from graph import store

CSP = ("default-src 'self'; script-src 'none'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
SECURITY_HEADERS = {
    "Content-Security-Policy": CSP, "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
NAV = [
    ("/browse/norms", "Norms"), ("/browse/actors", "Actors"), ("/browse/responsibilities", "Responsibilities"),
    ("/browse/sources", "Sources"), ("/documents", "Documents"), ("/views/annex-1", "Annex 1"),
    ("/views/responsibility-matrix", "Matrix"), ("/def/", "Ontology"), ("/sparql", "SPARQL"),
]


def e(text: object) -> str:
    """HTML-escape any text (quotes too: safe in attributes)."""
    return _html.escape(str(text), quote=True)


def clip(text: str, n: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def link(ctx: Ctx, index: Index, iri: str, label: str | None = None, cls: str = "", title: str | None = None) -> str:
    text = label if label is not None else index.label(iri)
    attrs = f' class="{e(cls)}"' if cls else ""
    external = ctx.site.local_path(iri) is None
    if external:
        attrs += ' rel="external noopener"'
    tip = title if title is not None else (iri if external else None)
    if tip:
        attrs += f' title="{e(tip)}"'
    return f'<a href="{e(ctx.link(iri))}"{attrs}>{e(text)}</a>'


def literal_html(t: Term, long_at: int = 240) -> str:
    """A literal for people: escaped, with its language tag; URLs as links; long text as a block."""
    value = t.value
    if t.datatype == XSD + "anyURI" and value.startswith(("http://", "https://")):
        return f'<a href="{e(value)}" rel="external noopener nofollow">{e(value)}</a>'
    if t.datatype == XSD + "boolean":
        return "yes" if value in ("true", "1") else "no"
    body = e(value)
    if "\n" in value.strip():
        body = f'<pre class="literal">{body}</pre>'
    elif len(value) > long_at:
        body = f'<span class="longtext">{body}</span>'
    if t.lang:
        body += f' <span class="lang" title="language">{e(t.lang)}</span>'
    elif t.datatype and t.datatype != XSD + "string":
        short = t.datatype.rsplit("#", 1)[-1]
        body += f' <span class="dtype" title="{e(t.datatype)}">{e(short)}</span>'
    return body


def dataset_version(site: Site) -> dict[str, str]:
    cached = site.peek("version")
    if cached is None:
        try:
            manifest = store.read_manifest(site.service.settings.data_dir)
        except (store.NoDataset, OSError, ValueError):
            manifest = {}
        started = str(manifest.get("started", ""))
        try:
            stamp = dt.datetime.fromisoformat(started).strftime("%Y-%m-%d %H:%M UTC")
        except ValueError:
            stamp = started or "unknown"
        writes = int(manifest.get("writes", 0) or 0)
        cached = {"version": str(manifest.get("version", "?")), "built": stamp,
                  "label": f"{manifest.get('version', '?')}, built {stamp}" + (f", {writes} write(s) since" if writes else "")}
        site.put("version", cached)
    return cached  # type: ignore[no-any-return]


def layout(ctx: Ctx, title: str, body: str, *, alternates: Iterable[tuple[str, DocFormat]] = (),
           jsonld: str | None = None, cite_iri: str | None = None, description: str | None = None,
           heading: str | None = None, wide: bool = False) -> str:
    h = ctx.href
    alt = "".join(f'<link rel="alternate" type="{e(fmt.media_type)}" href="{e(url)}" title="{e(fmt.label)}">'
                  for url, fmt in alternates)
    ld = f'<script type="application/ld+json">{jsonld}</script>' if jsonld else ""
    meta = f'<meta name="description" content="{e(clip(description, 200))}">' if description else ""
    nav = "".join(f'<a href="{e(h(path))}">{e(name)}</a>' for path, name in NAV)
    version = dataset_version(ctx.site)
    cite = ""
    if cite_iri:
        cite = (f'<section class="cite" aria-label="Cite this"><h2>Cite this</h2><p><span class="cite-text">'
                f"normgraph: {e(title)}. <code>{e(cite_iri)}</code>. Dataset version {e(version['label'])}. "
                f"Licence CC BY 4.0.</span></p></section>")
    return (
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        '<meta name="viewport" content="width=device-width,initial-scale=1">'
        f"<title>{e(title)} — normgraph</title>{meta}"
        f'<link rel="stylesheet" href="{e(h("/static/style.css"))}">'
        f'<link rel="icon" href="{e(h("/static/favicon.svg"))}" type="image/svg+xml">'
        f'<link rel="describedby" href="{e(h("/.well-known/void"))}" type="text/turtle" title="VoID description">'
        f"{alt}{ld}</head><body>"
        f'<header class="site"><a class="brand" href="{e(h("/"))}">norm<b>graph</b></a>'
        f'<nav aria-label="Main">{nav}</nav>'
        f'<form class="search" role="search" method="get" action="{e(h("/search"))}">'
        '<input type="search" name="q" placeholder="Search labels and text" aria-label="Search" maxlength="200">'
        "<button type=\"submit\">Search</button></form></header>"
        f'<main{" class=wide" if wide else ""}>'
        + (f"<h1>{e(heading)}</h1>" if heading is not None else "")
        + body + cite + "</main>"
        f'<footer class="site"><p>normgraph — a linked-data knowledge graph of responsible behaviour in cyberspace. '
        f"Dataset {e(version['label'])}. "
        f'<a href="{e(h("/.well-known/void"))}">VoID/DCAT description</a> · <a href="{e(h("/dumps/"))}">Dumps</a> · '
        f'<a href="{e(h("/def/"))}">Ontology</a> · <a href="{e(h("/shapes"))}">Shapes</a> · '
        f'<a href="{e(h("/quality"))}">Data quality</a> · <a href="{e(h("/sparql"))}">SPARQL endpoint</a> · '
        f'Data <a href="https://creativecommons.org/licenses/by/4.0/" rel="license external noopener">CC BY 4.0</a>.</p>'
        "</footer></body></html>\n"
    )


def html_response(text: str, *, status: int = 200, alternates: Iterable[tuple[str, DocFormat]] = (),
                  vary: bool = True, content_location: str | None = None, extra_links: list[str] | None = None) -> Response:
    headers = dict(SECURITY_HEADERS)
    if vary:
        headers["Vary"] = "Accept"
    links = list(alternates)
    if links or extra_links:
        headers["Link"] = link_header(links, extra_links)
    if content_location:
        headers["Content-Location"] = content_location
    return Response(text, status_code=status, media_type="text/html; charset=utf-8", headers=headers)


def pager(ctx: Ctx, base_path: str, params: dict[str, str], page: int, has_next: bool, total: int | None = None,
          per_page: int | None = None) -> str:
    """Previous / next links, keeping the other parameters."""
    from urllib.parse import urlencode

    def url(p: int) -> str:
        return ctx.href(base_path) + "?" + urlencode({**params, "page": str(p)})

    parts = []
    if page > 1:
        parts.append(f'<a rel="prev" href="{e(url(page - 1))}">← previous</a>')
    if total is not None and per_page:
        last = max(1, -(-total // per_page))
        parts.append(f"<span>page {page} of {last}</span>")
    else:
        parts.append(f"<span>page {page}</span>")
    if has_next:
        parts.append(f'<a rel="next" href="{e(url(page + 1))}">next →</a>')
    return '<nav class="pager" aria-label="Pages">' + " ".join(parts) + "</nav>"
