"""The HTML page of one resource: label and types, its text, the neighbourhood diagram, the
dimension classifications with their basis, every statement grouped by theme (with the named
graph it comes from; inferred ones marked and explained), the evidence quotes linking into the
reading view, and the incoming links with counts and paging."""

from __future__ import annotations

from collections import defaultdict
from urllib.parse import urlencode

from api.linked_data.describe import Description, Evidence, Statement
from api.linked_data.diagram import neighbourhood_svg
from api.linked_data.html import clip, e, link, literal_html
from api.linked_data.index import Index
from api.linked_data.reading_links import read_href
from api.linked_data.site import NGD, OA, RDF, SKOS, Ctx, Site, Term
from api.linked_data.vocab import GROUP_NAMES, ORDER_OF, group_of, inverse_label, prop_label

LEAD = [NGD + "normText", NGD + "questionText", SKOS + "definition", NGD + "description", NGD + "text", OA + "exact",
        NGD + "rowText", "http://www.w3.org/2000/01/rdf-schema#comment", "http://purl.org/dc/terms/description"]
INCOMING_SHOWN = 12
VIEWS = {NGD + t: ("/views/annex-1", "See it in the Annex 1 view") for t in ("Annex", "AnnexRow", "AnnexCell", "AnnexEntry")}
VIEWS[NGD + "Theme"] = ("/views/responsibility-matrix", "See the responsibility matrix")
DIMENSIONS = {NGD + "bindingness", NGD + "behaviourMode", NGD + "modality", NGD + "phrasing"}


def graph_badge(site: Site, index: Index, g: str) -> str:
    if g == site.graph_ns + "inferred":
        return '<span class="badge inferred" title="inferred by HermiT (graph/inferred)">inferred</span>'
    if g.startswith(site.graph_ns + "document/"):
        doc = site.id_ns + "document/" + g[len(site.graph_ns + "document/"):]
        return f'<span class="badge g-doc" title="from the document graph {e(g)}">{e(clip(index.short_label(doc), 30))}</span>'
    name = g[len(site.graph_ns):] if g.startswith(site.graph_ns) else g
    return f'<span class="badge g-{e(name.split("/")[0])}" title="{e(g)}">{e(name)}</span>'


def is_inferred_only(site: Site, graphs: list[str]) -> bool:
    return bool(graphs) and all(g == site.graph_ns + "inferred" for g in graphs)


def value_html(ctx: Ctx, index: Index, o: Term) -> str:
    if o.is_iri:
        return link(ctx, index, o.value)
    if o.kind == "bnode":
        return '<span class="bnode">(an anonymous class expression; see the RDF)</span>'
    return literal_html(o)


def render(ctx: Ctx, index: Index, d: Description, doc_path: str) -> tuple[str, str]:
    """(title, body HTML) of a resource page."""
    title = index.label(d.iri)
    why: dict[tuple[str, str], list] = defaultdict(list)
    for inf in d.inferences:
        why[(inf.p, inf.o)].append(inf)
    parts = [_header(ctx, index, d, doc_path, why)]
    lead = _lead(ctx, index, d)
    if lead:
        parts.append(lead)
    svg = neighbourhood_svg(ctx, index, d, doc_path)
    if svg:
        parts.append('<figure class="neighbourhood"><div class="scroll">' + svg + "</div><figcaption>Neighbourhood: what links "
                     "here (left), what it links to (right), one more step on each side. Click a box to go there.</figcaption>"
                     "</figure>")
    if d.classifications:
        parts.append(_classifications(ctx, index, d))
    parts.append(_statements(ctx, index, d, why))
    if d.evidence:
        parts.append(_evidence(ctx, index, d))
    parts.append(_incoming(ctx, index, d, doc_path))
    return title, "".join(parts)


def _header(ctx: Ctx, index: Index, d: Description, doc_path: str, why: dict) -> str:
    site = ctx.site
    badges = []
    for st in sorted((s for s in d.out if s.p == RDF + "type"), key=lambda s: (index.label(s.o.value).lower(), s.o.value)):
        inferred = is_inferred_only(site, st.graphs)
        cls = "type inferred" if inferred else "type"
        tip = "inferred type" if inferred else "asserted type"
        badges.append(link(ctx, index, st.o.value, cls=cls, title=f"{tip}: {st.o.value}"))
    formats = [("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("nt", "N-Triples"), ("rdf", "RDF/XML"), ("trig", "TriG")]
    downloads = " · ".join(f'<a href="{e(ctx.href(doc_path))}.{s}" type="">{n}</a>' for s, n in formats)
    read = read_href(ctx, index, d.iri)
    read_link = f' · <a class="read" href="{e(read)}">Read in the document</a>' if read else ""
    if d.iri.startswith(site.graph_ns):
        store = ctx.href("/store") + "?" + urlencode({"graph": d.iri})
        read_link += f' · <a class="read" href="{e(store)}">Download this graph (Graph Store)</a>'
    view = VIEWS.get(index.primary_type(d.iri) or "")
    if view:
        read_link += f' · <a class="read" href="{e(ctx.href(view[0]))}">{e(view[1])}</a>'
    return (f'<p class="types">{" ".join(badges) or "<span class=type>resource</span>"}</p>'
            f"<h1>{e(index.label(d.iri))}</h1>"
            f'<p class="iri"><code>{e(d.iri)}</code>{read_link}<br><span class="formats">Data: {downloads}</span></p>')


def _lead(ctx: Ctx, index: Index, d: Description) -> str:
    for p in LEAD:
        values = [st.o for st in d.out if st.p == p and st.o.is_literal]
        if values:
            text = values[0].value
            cls = "lead quote" if p in (NGD + "normText", OA + "exact", NGD + "text") else "lead"
            return f'<blockquote class="{cls}">{e(text)}</blockquote>'
    return ""


def _statements(ctx: Ctx, index: Index, d: Description, why: dict) -> str:
    site = ctx.site
    grouped: dict[str, dict[str, list[Statement]]] = defaultdict(lambda: defaultdict(list))
    for st in d.out:
        if st.p == RDF + "type":
            continue
        grouped[group_of(st.p)][st.p].append(st)
    out = ['<section id="statements"><h2>Statements</h2>']
    if not grouped:
        out.append("<p class=muted>No statements besides its type.</p>")
    for name in GROUP_NAMES:
        props = grouped.get(name)
        if not props:
            continue
        out.append(f"<h3>{e(name)}</h3><table class=\"props\"><tbody>")
        for p in sorted(props, key=lambda p: (ORDER_OF.get(p, 999), prop_label(index, p), p)):
            items = []
            for st in sorted(props[p], key=lambda st: (not st.o.is_iri, index.label(st.o.value).lower() if st.o.is_iri
                                                       else st.o.value, st.o.value)):
                inferred = is_inferred_only(site, st.graphs)
                badges = "".join(graph_badge(site, index, g) for g in st.graphs)
                explain = ""
                if inferred and why.get((p, st.o.value)):
                    explain = _why(ctx, index, why[(p, st.o.value)])
                cls = ' class="inferred"' if inferred else ""
                items.append(f"<li{cls}>{value_html(ctx, index, st.o)} {badges}{explain}</li>")
            plabel = link(ctx, index, p, prop_label(index, p), title=site.curie(p))
            out.append(f'<tr><th scope="row">{plabel}</th><td><ul class="values">{"".join(items)}</ul></td></tr>')
        out.append("</tbody></table>")
    out.append("</section>")
    return "".join(out)


def _why(ctx: Ctx, index: Index, records: list) -> str:
    items = []
    for inf in records:
        premise = f"<br>premise: <code>{e(clip(inf.premise, 300))}</code>" if inf.premise else ""
        items.append(f"by the axiom of {link(ctx, index, inf.axiom)} ({link(ctx, index, inf.record, 'record')}){premise}")
    return f'<details class="why"><summary>why?</summary><p>{"<br>".join(items)}</p></details>'


def _classifications(ctx: Ctx, index: Index, d: Description) -> str:
    rows = []
    quotes = {ev.via: ev for ev in d.evidence}
    for cl, props in sorted(d.classifications.items(), key=lambda kv: kv[0]):
        def first(p: str, props: dict = props) -> Term | None:
            values = props.get(NGD + p)
            return values[0] if values else None

        dim, value, basis = first("dimension"), first("value"), first("basis")
        rationale, where = first("rationale"), first("curationFile")
        ground = ""
        if cl in quotes:
            ev = quotes[cl]
            ground = f'the document states: {_quote_link(ctx, index, ev, clip(ev.exact, 160))}'
        elif rationale is not None:
            ground = f"curator’s rationale: {e(rationale.value)}"
            if where is not None:
                ground += f' <span class="muted">({e(where.value)})</span>'
        rows.append(
            "<tr>"
            f"<td>{link(ctx, index, dim.value) if dim and dim.is_iri else ''}</td>"
            f"<td>{link(ctx, index, value.value) if value and value.is_iri else ''}</td>"
            f"<td>{link(ctx, index, basis.value) if basis and basis.is_iri else ''}</td>"
            f"<td>{ground} <a class=\"muted\" href=\"{e(ctx.link(cl))}\">record</a></td></tr>")
    return ('<section id="classification"><h2>Classification and its basis</h2><div class="scroll"><table class="grid">'
            "<thead><tr><th>dimension</th><th>value</th><th>basis</th><th>evidence or rationale</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table></div></section>")


def _quote_link(ctx: Ctx, index: Index, ev: Evidence, text: str) -> str:
    href = read_href(ctx, index, ev.quote, span=(ev.start, ev.end), document=ev.document)
    return f'<a class="quote-link" href="{e(href or ctx.link(ev.quote))}">“{e(text)}”</a>'


def _evidence(ctx: Ctx, index: Index, d: Description) -> str:
    out = ['<section id="evidence"><h2>Evidence</h2>']
    for ev in d.evidence[:40]:
        where = []
        if ev.document:
            where.append(link(ctx, index, ev.document))
        if ev.section:
            where.append(link(ctx, index, ev.section))
        where.append(f"characters {ev.start}–{ev.end}" + (f", line {ev.line}" if ev.line else ""))
        href = read_href(ctx, index, ev.quote, span=(ev.start, ev.end), document=ev.document)
        via = ""
        if ev.via != d.iri:
            via = f" · for {link(ctx, index, ev.via)}"
        out.append(
            f'<figure class="evidence"><blockquote>{e(ev.exact)}</blockquote><figcaption>— {", ".join(where)}'
            f' · <a href="{e(href or ctx.link(ev.quote))}">read in context</a> · {link(ctx, index, ev.quote, "quote")}{via}'
            "</figcaption></figure>")
    if len(d.evidence) > 40:
        out.append(f"<p class=muted>… and {len(d.evidence) - 40} more quotes (see the RDF).</p>")
    out.append("</section>")
    return "".join(out)


def _incoming(ctx: Ctx, index: Index, d: Description, doc_path: str) -> str:
    site = ctx.site
    total = d.incoming_total()
    out = [f'<section id="incoming"><h2>Links to this resource <span class="count">{total}</span></h2>']
    if not total:
        out.append("<p class=muted>Nothing links here.</p></section>")
        return "".join(out)
    sample: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for s, p, g in d.incoming:
        sample[p][s].append(g)
    for p in sorted(d.incoming_counts, key=lambda p: (inverse_label(index, p), p)):
        count = sum(d.incoming_counts[p].values())
        distinct = sample.get(p, {})
        items = []
        for s in sorted(distinct, key=lambda s: (index.label(s).lower(), s))[:INCOMING_SHOWN]:
            gs = distinct[s]
            inferred = is_inferred_only(site, gs)
            mark = ' <span class="badge inferred">inferred</span>' if inferred else ""
            target = '<span class="bnode">an anonymous class expression</span>' if s.startswith("_:") else link(ctx, index, s)
            items.append(f'<li{" class=inferred" if inferred else ""}>{target}{mark}</li>')
        more = ""
        if count > len(items):
            href = ctx.href(doc_path) + "?" + urlencode({"in": site.curie(p)}) + "#incoming"
            more = f'<li class="more"><a href="{e(href)}">all {count} →</a></li>'
        heading = f"{e(inverse_label(index, p))} <span class=\"count\">{count}</span>"
        plink = link(ctx, index, p, prop_label(index, p), title=site.curie(p))
        out.append(f'<h3>{heading} <span class="via">({plink})</span></h3><ul class="links">{"".join(items)}{more}</ul>')
    out.append("</section>")
    return "".join(out)


def render_incoming_page(ctx: Ctx, index: Index, iri: str, prop: str, items: list[tuple[str, str]], page: int,
                         has_next: bool, total: int, doc_path: str, per_page: int) -> tuple[str, str]:
    from api.linked_data.html import pager

    site = ctx.site
    title = f"{index.label(iri)}: {inverse_label(index, prop)}"
    lis = []
    for s, g in items:
        mark = ' <span class="badge inferred">inferred</span>' if g == site.graph_ns + "inferred" else ""
        if s.startswith("_:"):
            lis.append(f'<li><span class="bnode">an anonymous class expression</span>{mark}</li>')
            continue
        lis.append(f"<li>{link(ctx, index, s)} <span class=\"muted\">{e(index.type_word(s))}</span>{mark}</li>")
    body = (f'<p class="types"><a href="{e(ctx.href(doc_path))}">← {e(index.label(iri))}</a></p>'
            f"<h1>{e(inverse_label(index, prop).capitalize())}: {e(index.label(iri))}</h1>"
            f'<p class="muted">{total} resources link here by {link(ctx, index, prop, prop_label(index, prop))} '
            f"(<code>{e(site.curie(prop))}</code>).</p>"
            f'<section id="incoming"><ol class="links" start="{(page - 1) * per_page + 1}">{"".join(lis)}</ol>'
            + pager(ctx, doc_path, {"in": site.curie(prop)}, page, has_next, total, per_page) + "</section>")
    return title, body
