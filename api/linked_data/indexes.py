"""Index pages by class — norms, actors by cluster, responsibilities by dimension and status,
claims, sources by year and publisher, initiatives, questions, concepts, any class — with
counts, facets, sorting and paging; and a search over labels and text.

Each list is one query per published store (cached); filtering, sorting and paging are done on
the cached rows, so a page costs no query at all."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from api.app import HttpError
from api.linked_data.html import clip, e, link, pager
from api.linked_data.index import Index, split_camel
from api.linked_data.site import DCT, NGD, OA, RDFS, SKOS, Ctx, Site, literal
from graph.reason import superclasses

MAX_PER_PAGE = 200
MAX_PAGE = 10_000


@dataclass
class Kind:
    name: str
    title: str
    cls: str
    forward: list[str]
    inverse: list[str] = field(default_factory=list)
    two_hop: list[tuple[str, str]] = field(default_factory=list)  # (?x p1 ?s, ?x p2 ?v): e.g. claims' statuses
    columns: list[str] = field(default_factory=list)
    facets: list[str] = field(default_factory=list)
    sorts: list[str] = field(default_factory=list)
    intro: str = ""


KINDS = {k.name: k for k in [
    Kind("norms", "Norms", "Norm", [SKOS + "notation", NGD + "instrument", NGD + "phrasing", NGD + "topic"],
         [NGD + "servesNorm"], columns=["notation", "norm", "kind", "instrument", "responsibilities"],
         facets=["kind", "instrument", "phrasing", "topic"], sorts=["notation", "label", "responsibilities"],
         intro="Norms, rules and principles: the eleven UN GGE 2015 norms and the legal principles and political "
               "commitments the reports invoke."),
    Kind("actors", "Actors", "Actor", [NGD + "memberOfCluster"], [NGD + "mentionedIn"],
         columns=["actor", "kind", "clusters"], facets=["cluster", "kind"], sorts=["label"],
         intro="States, organisations, people and groups, by actor cluster."),
    Kind("clusters", "Actor clusters", "ActorCluster", [SKOS + "broader"], [NGD + "bearer", NGD + "claimant",
         NGD + "memberOfCluster"], columns=["cluster", "members", "bears", "claims"], sorts=["label", "members"],
         intro="Strands of actors (a cluster is a collective, not an agent)."),
    Kind("responsibilities", "Responsibilities", "Responsibility",
         [NGD + "bearer", NGD + "bindingness", NGD + "behaviourMode", NGD + "modality", NGD + "theme", NGD + "servesNorm"],
         [NGD + "about"], [(NGD + "about", NGD + "status")],
         columns=["responsibility", "bearer", "bindingness", "behaviour", "modality", "claims"],
         facets=["bearer", "bindingness", "behaviour", "modality", "status", "theme"], sorts=["label", "claims"],
         intro="What a bearer should (not) do, with its three dimensions, and the statuses of the claims about it."),
    Kind("claims", "Claims", "Claim", [NGD + "claimant", NGD + "status", NGD + "about", NGD + "sourceDocument"],
         columns=["claim", "claimant", "status", "about"], facets=["claimant", "status"], sorts=["label"],
         intro="Who articulates which responsibility, with what status."),
    Kind("sources", "Sources", "Source", [NGD + "year", DCT + "publisher", DCT + "creator", NGD + "documentSymbol"],
         [NGD + "citedWork", NGD + "citesWork"],
         columns=["source", "kind", "year", "publisher", "cited"], facets=["year", "publisher", "kind"],
         sorts=["year", "label", "publisher", "cited"],
         intro="The two reports, every cited work and the instruments, by year and publisher."),
    Kind("initiatives", "Initiatives", "Initiative", [NGD + "initiativeKind", NGD + "promotedBy"], [NGD + "mentionedIn"],
         columns=["initiative", "kind", "promoted by"], facets=["kind", "promoter"], sorts=["label"],
         intro="Named initiatives, campaigns, platforms and processes, with their promoters."),
    Kind("questions", "Questions", "Question", [NGD + "inDocument", NGD + "concernsActor", NGD + "concernsNorm",
         NGD + "concernsConcept"], columns=["question", "document", "concerns"], facets=["document", "concerns"],
         sorts=["label"], intro="Open questions the reports pose, with the actors, norms and concepts they concern."),
    Kind("concepts", "Concepts", "Concept", [NGD + "stance"], columns=["concept", "stance"], facets=["stance"],
         sorts=["label"], intro="Concepts the Phase 1 Report discusses, with its stance."),
]}
KIND_OF_TYPE = {"State": "state", "Organisation": "organisation", "Person": "person", "Group": "group",
                "Report": "report", "CitedWork": "cited work", "Instrument": "instrument", "VoluntaryNorm": "voluntary norm",
                "LegalPrinciple": "legal principle", "PoliticalCommitment": "political commitment"}


def kind_query(kind: Kind, classes: list[str]) -> str:
    """Members of the class or of any of its subclasses (``classes``: the class and its
    descendants, from the ontology), with the facts the list shows.

    The hierarchy is read from the ontology rather than walked with ``rdfs:subClassOf*`` in the
    query: a VALUES list is plain SPARQL every store evaluates the same way (Virtuoso rejects or
    under-answers the path form), and it holds when reasoning was skipped, so superclass types were
    not materialised."""
    values = " ".join(f"<{c}>" for c in classes)
    member = f"VALUES ?cls {{ {values} }} ?s a ?cls ."
    branches = [f"{{ {member} BIND(\"type\" AS ?p) BIND(?cls AS ?v) }}"]
    if kind.forward:
        props = " ".join(f"<{p}>" for p in kind.forward)
        # VALUES, not FILTER(?pp IN …): Virtuoso 7.2's compiler fails on the FILTER form beside a VALUES
        branches.append(f"{{ {member} VALUES ?pp {{ {props} }} ?s ?pp ?v . BIND(STR(?pp) AS ?p) }}")
    for p in kind.inverse:
        branches.append(f"{{ {member} ?v <{p}> ?s . BIND(\"^{p}\" AS ?p) }}")
    for p1, p2 in kind.two_hop:
        branches.append(f"{{ {member} ?x <{p1}> ?s . ?x <{p2}> ?v . BIND(\"{p1} {p2}\" AS ?p) }}")
    return "SELECT DISTINCT ?s ?p ?v WHERE {\n  " + "\n  UNION ".join(branches) + "\n}"


async def descendants(site: Site) -> dict[str, set[str]]:
    """Every named class of the ontology graph with its strict descendants (rdfs:subClassOf, transitively)."""
    from api.linked_data.ontology_docs import ontology_graph  # the pages' cached copy of the ontology

    async def make() -> dict[str, set[str]]:
        below: dict[str, set[str]] = defaultdict(set)
        for cls, supers in superclasses(await ontology_graph(site)).items():
            for sup in supers - {cls}:
                below[str(sup)].add(str(cls))
        return below

    return await site.cached("class-descendants", make)


async def kind_facts(site: Site, kind: Kind) -> dict[str, dict[str, list[str]]]:
    async def make() -> dict[str, dict[str, list[str]]]:
        classes = [NGD + kind.cls, *sorted((await descendants(site)).get(NGD + kind.cls, ()))]
        rows = await site.select(kind_query(kind, classes), cap=0, timeout=30)
        facts: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        for r in rows:
            facts[r["s"]["value"]][r["p"]["value"]].append(r["v"]["value"])
        return facts

    return await site.cached("kind:" + kind.name, make)


@dataclass
class Item:
    iri: str
    cells: dict[str, str]
    sort: dict[str, Any]
    facets: dict[str, list[str]]


def _links(ctx: Ctx, index: Index, iris: list[str], limit: int = 4) -> str:
    iris = sorted(set(iris), key=lambda i: index.label(i).lower())
    shown = ", ".join(link(ctx, index, i) for i in iris[:limit])
    return shown + (f" +{len(iris) - limit}" if len(iris) > limit else "")


def build_items(ctx: Ctx, index: Index, kind: Kind, facts: dict[str, dict[str, list[str]]]) -> list[Item]:
    items = []
    for s, f in facts.items():
        def g(p: str, f: dict = f) -> list[str]:
            return f.get(p, [])

        label = index.label(s)
        types = [t[len(NGD):] for t in index.types.get(s, []) + index.inferred_types.get(s, []) if t.startswith(NGD)]
        kind_words = sorted({KIND_OF_TYPE[t] for t in types if t in KIND_OF_TYPE})
        cells: dict[str, str] = {}
        sort: dict[str, Any] = {"label": label.lower()}
        facets: dict[str, list[str]] = {}
        first = link(ctx, index, s)
        if kind.name == "norms":
            notation = (g(SKOS + "notation") or [""])[0]
            n = len(set(g("^" + NGD + "servesNorm")))
            cells = {"notation": e(notation), "norm": first, "kind": e(", ".join(kind_words)),
                     "instrument": _links(ctx, index, g(NGD + "instrument")), "responsibilities": str(n)}
            sort.update(notation=(notation or "~") + label.lower(), responsibilities=-n)
            facets = {"kind": kind_words, "instrument": g(NGD + "instrument"), "phrasing": g(NGD + "phrasing"),
                      "topic": g(NGD + "topic")}
        elif kind.name == "actors":
            cells = {"actor": first, "kind": e(", ".join(kind_words)), "clusters": _links(ctx, index, g(NGD + "memberOfCluster"))}
            facets = {"cluster": g(NGD + "memberOfCluster") or ["(none)"], "kind": kind_words}
        elif kind.name == "clusters":
            members = len(set(g("^" + NGD + "memberOfCluster")))
            cells = {"cluster": first, "members": str(members), "bears": str(len(set(g("^" + NGD + "bearer")))),
                     "claims": str(len(set(g("^" + NGD + "claimant"))))}
            sort.update(members=-members)
        elif kind.name == "responsibilities":
            n = len(set(g("^" + NGD + "about")))
            cells = {"responsibility": first, "bearer": _links(ctx, index, g(NGD + "bearer")),
                     "bindingness": _links(ctx, index, g(NGD + "bindingness")),
                     "behaviour": _links(ctx, index, g(NGD + "behaviourMode")),
                     "modality": _links(ctx, index, g(NGD + "modality")), "claims": str(n)}
            sort.update(claims=-n)
            facets = {"bearer": g(NGD + "bearer"), "bindingness": g(NGD + "bindingness"),
                      "behaviour": g(NGD + "behaviourMode"), "modality": g(NGD + "modality"),
                      "status": g(f"{NGD}about {NGD}status"), "theme": g(NGD + "theme")}
        elif kind.name == "claims":
            cells = {"claim": first, "claimant": _links(ctx, index, g(NGD + "claimant")),
                     "status": _links(ctx, index, g(NGD + "status")), "about": _links(ctx, index, g(NGD + "about"))}
            facets = {"claimant": g(NGD + "claimant"), "status": g(NGD + "status")}
        elif kind.name == "sources":
            year = (g(NGD + "year") or [""])[0][:4]
            publishers = g(DCT + "publisher")
            cited = len(set(g("^" + NGD + "citedWork"))) + len(set(g("^" + NGD + "citesWork")))
            cells = {"source": first, "kind": e(", ".join(kind_words)), "year": e(year),
                     "publisher": _links(ctx, index, publishers), "cited": str(cited)}
            sort.update(year=(-(int(year) if year.isdigit() else 0), label.lower()),
                        publisher=(index.label(publishers[0]).lower() if publishers else "~", label.lower()), cited=-cited)
            facets = {"year": [year or "(no year)"], "publisher": publishers or ["(none)"], "kind": kind_words}
        elif kind.name == "initiatives":
            kinds = g(NGD + "initiativeKind")
            cells = {"initiative": first, "kind": e(", ".join(kinds)), "promoted by": _links(ctx, index, g(NGD + "promotedBy"))}
            facets = {"kind": kinds or ["(none)"], "promoter": g(NGD + "promotedBy") or ["(none)"]}
        elif kind.name == "questions":
            concerns = g(NGD + "concernsActor") + g(NGD + "concernsNorm") + g(NGD + "concernsConcept")
            cells = {"question": first, "document": _links(ctx, index, g(NGD + "inDocument")),
                     "concerns": _links(ctx, index, concerns, 5)}
            facets = {"document": g(NGD + "inDocument"), "concerns": concerns}
        elif kind.name == "concepts":
            cells = {"concept": first, "stance": e(", ".join(g(NGD + "stance")))}
            facets = {"stance": g(NGD + "stance") or ["(none)"]}
        else:
            cells = {"resource": first, "type": e(index.type_word(s))}
        items.append(Item(s, cells, sort, facets))
    return items


def facet_label(index: Index, value: str) -> str:
    return index.label(value) if value.startswith(("http://", "https://")) else value


def render_kind(ctx: Ctx, index: Index, kind: Kind, items: list[Item], request: Request, path: str) -> tuple[str, str]:
    params = request.query_params
    page = int_param(params.get("page"), "page", 1, 1, MAX_PAGE)
    per = int_param(params.get("per"), "per", 50, 1, MAX_PER_PAGE)
    sort = params.get("sort") or (kind.sorts[0] if kind.sorts else "label")
    if sort not in (kind.sorts or ["label"]):
        raise HttpError(400, f"sort={sort[:30]!r} is not one of: {', '.join(kind.sorts or ['label'])}")
    order = params.get("order", "asc")
    if order not in ("asc", "desc"):
        raise HttpError(400, "order must be asc or desc")
    chosen: dict[str, str] = {}
    for name in kind.facets:
        value = params.get(name)
        if value is not None:
            if len(value) > 300:
                raise HttpError(400, f"the {name} filter is too long")
            chosen[name] = value
    for key in params:
        if key not in ("page", "per", "sort", "order", "format", *kind.facets):
            raise HttpError(400, f"unknown parameter {key[:30]!r} (filters here: {', '.join(kind.facets) or 'none'})")
    selected = [it for it in items if all(v in it.facets.get(n, []) for n, v in chosen.items())]
    selected.sort(key=lambda it: (it.sort.get(sort, it.sort["label"]), it.sort["label"]), reverse=order == "desc")
    total = len(selected)
    if page > 1 and (page - 1) * per >= total:
        raise HttpError(404, f"page {page} is past the end of the list ({total} items, {per} per page)")
    shown = selected[(page - 1) * per: page * per]
    keep = {**chosen, "sort": sort, "order": order, "per": str(per)}

    def url(**change: str | None) -> str:
        q = {k: v for k, v in {**keep, **change}.items() if v is not None}
        q.pop("page", None)
        return ctx.href(path) + ("?" + urlencode(q) if q else "")

    parts = [f"<h1>{e(kind.title)} <span class=\"count\">{total}</span></h1>"]
    if kind.intro:
        parts.append(f'<p class="lead">{e(kind.intro)}</p>')
    if chosen:
        parts.append('<p class="chosen">Filtered by: ' + " ".join(
            f'<a class="chip on" href="{e(url(**{n: None}))}" title="remove this filter">{e(n)}: '
            f'{e(facet_label(index, v))} ✕</a>' for n, v in chosen.items()) + "</p>")
    if kind.facets:
        parts.append('<details class="facets" open><summary>Filter</summary>')
        for name in kind.facets:
            counts = Counter(v for it in selected for v in set(it.facets.get(name, [])))
            if not counts:
                continue
            chips = []
            for value, n in sorted(counts.items(), key=lambda kv: (-kv[1], facet_label(index, kv[0]).lower()))[:40]:
                on = chosen.get(name) == value
                chips.append(f'<a class="chip{" on" if on else ""}" href="{e(url(**{name: None if on else value}))}">'
                             f'{e(clip(facet_label(index, value), 40))} <span class="n">{n}</span></a>')
            parts.append(f'<div class="facet"><span class="fname">{e(name)}</span> {" ".join(chips)}</div>')
        parts.append("</details>")
    if len(kind.sorts) > 1:
        parts.append('<p class="sorts">Sort by: ' + " ".join(
            f'<a class="chip{" on" if s == sort else ""}" href="{e(url(sort=s, order="asc"))}">{e(s)}</a>' for s in kind.sorts)
            + f' · <a class="chip" href="{e(url(order="desc" if order == "asc" else "asc"))}">'
            f'{"descending" if order == "asc" else "ascending"}</a></p>')
    columns = kind.columns or ["resource", "type"]
    parts.append('<div class="scroll"><table class="grid list"><thead><tr>' + "".join(f'<th scope="col">{e(c)}</th>' for c in columns)
                 + "</tr></thead><tbody>")
    for it in shown:
        parts.append("<tr>" + "".join(f"<td>{it.cells.get(c, '')}</td>" for c in columns) + "</tr>")
    parts.append("</tbody></table></div>")
    parts.append(pager(ctx, path, {k: v for k, v in keep.items()}, page, page * per < total, total, per))
    return f"{kind.title} ({total})", "".join(parts)


def int_param(raw: str | None, name: str, default: int, low: int, high: int) -> int:
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise HttpError(400, f"{name}={raw[:40]!r} is not a whole number") from None
    if not low <= value <= high:
        raise HttpError(400, f"{name}={value} is out of range ({low}…{high})")
    return value


# -- generic class lists ---------------------------------------------------------------------------
def class_query(closure: dict[str, set[str]]) -> str:
    """Instances per class, counting the instances of subclasses (hierarchy from the ontology, as in kind_query)."""
    pairs = " ".join(f"(<{c}> <{d}>)" for c, ds in sorted(closure.items()) for d in sorted(ds))
    return f"""SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {{
  {{ ?s a ?c }} UNION {{ VALUES (?c ?t) {{ {pairs} }} ?s a ?t }}
  FILTER(isIRI(?s) && isIRI(?c))
}} GROUP BY ?c"""


async def class_counts(site: Site) -> dict[str, int]:
    async def make() -> dict[str, int]:
        rows = await site.select(class_query(await descendants(site)), cap=0, timeout=30)
        return {r["c"]["value"]: int(r["n"]["value"]) for r in rows}

    return await site.cached("class-counts", make)


def instances(index: Index, cls: str) -> list[str]:
    return index.instances(cls)


def render_overview(ctx: Ctx, index: Index, counts: dict[str, int], graph_counts: dict[str, int]) -> tuple[str, str]:
    h = ctx.href
    parts = ["<h1>Indexes</h1><p class=\"lead\">Everything in the graph, by kind. Counts include inferred types and the "
             "instances of subclasses.</p>",
             '<ul class="cards">']
    for kind in KINDS.values():
        n = counts.get(NGD + kind.cls, 0)
        parts.append(f'<li><a href="{e(h("/browse/" + kind.name))}"><b>{e(kind.title)}</b> <span class="count">{n}</span>'
                     f"<span>{e(kind.intro)}</span></a></li>")
    parts.append("</ul><h2>Every class</h2><div class=\"scroll\"><table class=\"grid list\"><thead><tr><th>class</th>"
                 "<th>instances</th></tr></thead><tbody>")
    for c, n in sorted(counts.items(), key=lambda kv: (not kv[0].startswith(NGD), index.label(kv[0]).lower())):
        name = c[len(NGD):] if c.startswith(NGD) else None
        target = h("/browse/class/" + name) if name else None
        label = e(index.labels.get(c) or (split_camel(name) if name else ctx.site.curie(c)))
        cell = f'<a href="{e(target)}">{label}</a>' if target else f"<code>{e(ctx.site.curie(c))}</code>"
        parts.append(f"<tr><td>{cell}</td><td>{n}</td></tr>")
    parts.append("</tbody></table></div>")
    parts.append(f'<h2>Named graphs</h2><p><a href="{e(h("/browse/graphs"))}">{len(graph_counts)} named graphs</a> '
                 "(asserted per document, curation, vocabulary, ontology, inferred, metadata).</p>")
    return "Indexes", "".join(parts)


def render_class(ctx: Ctx, index: Index, cls: str, request: Request, path: str) -> tuple[str, str]:
    items = instances(index, cls)
    params = request.query_params
    for key in params:
        if key not in ("page", "per", "format"):
            raise HttpError(400, f"unknown parameter {key[:30]!r} (use page and per)")
    page = int_param(params.get("page"), "page", 1, 1, MAX_PAGE)
    per = int_param(params.get("per"), "per", 100, 1, MAX_PER_PAGE)
    if page > 1 and (page - 1) * per >= len(items):
        raise HttpError(404, f"page {page} is past the end of the list ({len(items)} items)")
    shown = items[(page - 1) * per: page * per]
    label = index.labels.get(cls) or split_camel(cls[len(NGD):])
    parts = [f'<p class="types"><a class="type" href="{e(ctx.link(cls))}">class {e(ctx.site.curie(cls))}</a></p>',
             f"<h1>{e(label[:1].upper() + label[1:])} <span class=\"count\">{len(items)}</span></h1>",
             f'<ol class="links" start="{(page - 1) * per + 1}">']
    for s in shown:
        inferred = not any(cls in index.ancestors(t) for t in index.types.get(s, []))
        mark = ' <span class="badge inferred">inferred type</span>' if inferred else ""
        parts.append(f"<li>{link(ctx, index, s)}{mark}</li>")
    parts.append("</ol>" + pager(ctx, path, {"per": str(per)}, page, page * per < len(items), len(items), per))
    return f"{label} ({len(items)})", "".join(parts)


def render_graphs(ctx: Ctx, index: Index, graph_counts: dict[str, int]) -> tuple[str, str]:
    parts = ["<h1>Named graphs</h1><p class=\"lead\">The dataset is a set of named graphs: one per document (what its "
             "parser extracted), the curation, the controlled vocabularies, the ontology, what the reasoner inferred, and "
             "the metadata. The SPARQL endpoint's default graph is their union.</p>",
             '<div class="scroll"><table class="grid list"><thead><tr><th>graph</th><th>triples</th><th>download</th></tr>'
             "</thead><tbody>"]
    for g, n in sorted(graph_counts.items()):
        if not g:
            continue
        dl = ctx.href("/store") + "?" + urlencode({"graph": g})
        parts.append(f"<tr><td>{link(ctx, index, g)}<br><code>{e(g)}</code></td><td>{n}</td>"
                     f'<td><a href="{e(dl)}">Turtle</a></td></tr>')
    parts.append("</tbody></table></div>")
    return "Named graphs", "".join(parts)


# -- search ----------------------------------------------------------------------------------------
SEARCHED = [RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel", DCT + "title", NGD + "normText", NGD + "text",
            NGD + "questionText", SKOS + "definition", NGD + "description", OA + "exact", NGD + "rowText",
            NGD + "abbreviation", SKOS + "notation", NGD + "heading"]
SEARCH_QUERY = ("SELECT ?q ?s ?p ?text WHERE { VALUES ?p { " + " ".join(f"<{p}>" for p in SEARCHED) + " } ?s ?p ?text . "
                "FILTER(isLiteral(?text) && CONTAINS(LCASE(STR(?text)), LCASE(?q))) } LIMIT 2000")
LABELS = {RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel", DCT + "title", SKOS + "notation", NGD + "abbreviation"}


async def search(site: Site, q: str) -> list[tuple[str, str, str]]:
    rows = await site.select(SEARCH_QUERY, {"q": literal(q)}, cap=0, timeout=10)
    return [(r["s"]["value"], r["p"]["value"], r["text"]["value"]) for r in rows]


def render_search(ctx: Ctx, index: Index, q: str, hits: list[tuple[str, str, str]], page: int, per: int,
                  type_filter: str | None) -> tuple[str, str]:
    best: dict[str, tuple[int, str, str]] = {}
    lowered = q.lower()
    for s, p, text in hits:
        if s.startswith(ctx.site.id_ns + "inference/"):
            continue
        score = 0 if p in LABELS and text.lower() == lowered else 1 if p in LABELS else 2
        if s not in best or score < best[s][0]:
            best[s] = (score, p, text)
    by_type = Counter(index.type_word(s) for s in best)
    ordered = sorted(best, key=lambda s: (best[s][0], index.label(s).lower()))
    if type_filter:
        ordered = [s for s in ordered if index.type_word(s) == type_filter]
    total = len(ordered)
    shown = ordered[(page - 1) * per: page * per]
    base = {"q": q}

    def url(**change: str | None) -> str:
        params = {k: v for k, v in {**base, **change}.items() if v is not None}
        return ctx.href("/search") + "?" + urlencode(params)

    parts = [f'<h1>Search <span class="count">{total}</span></h1>',
             f'<form class="search big" role="search" method="get" action="{e(ctx.href("/search"))}">'
             f'<input type="search" name="q" value="{e(q)}" aria-label="Search" maxlength="200">'
             '<button type="submit">Search</button></form>']
    if by_type:
        parts.append('<p class="chosen">' + " ".join(
            f'<a class="chip{" on" if t == type_filter else ""}" href="{e(url(type=None if t == type_filter else t))}">'
            f'{e(t)} <span class="n">{n}</span></a>' for t, n in sorted(by_type.items(), key=lambda kv: (-kv[1], kv[0])))
            + "</p>")
    if not shown:
        parts.append(f"<p>Nothing matches “{e(q)}”.</p>")
    parts.append('<ol class="results">')
    for s in shown:
        _, p, text = best[s]
        snippet = _snippet(text, q)
        parts.append(f'<li>{link(ctx, index, s)} <span class="muted">{e(index.type_word(s))}</span>'
                     f'<div class="snippet">{snippet}</div></li>')
    parts.append("</ol>")
    params = {"q": q, **({"type": type_filter} if type_filter else {})}
    parts.append(pager(ctx, "/search", params, page, page * per < total, total, per))
    return f"Search: {q}", "".join(parts)


def _snippet(text: str, q: str) -> str:
    text = " ".join(text.split())
    at = text.lower().find(q.lower())
    if at < 0:
        return e(clip(text, 200))
    start = max(0, at - 80)
    end = min(len(text), at + len(q) + 120)
    before, match, after = text[start:at], text[at:at + len(q)], text[at + len(q):end]
    return (("…" if start else "") + e(before) + f"<mark>{e(match)}</mark>" + e(after) + ("…" if end < len(text) else ""))

