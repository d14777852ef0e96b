"""The neighbourhood of a resource as a small server-rendered SVG: what links to it on the
left, what it links to on the right, and one more hop on either side (a norm's
responsibilities with their bearers and claimants; a claim's responsibility and its bearer).
Every node is a link; colours come from the stylesheet (no inline styles: the CSP forbids them)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from api.linked_data.describe import Description
from api.linked_data.html import clip, e
from api.linked_data.index import Index
from api.linked_data.site import NGD, OWL, PROV, RDF, RDFS, Ctx
from api.linked_data.vocab import inverse_label, prop_label

SKIP = {
    RDF + "type", NGD + "hasClassification", NGD + "classifies", RDF + "subject", RDF + "object", RDF + "predicate",
    NGD + "byAxiom", RDFS + "isDefinedBy", PROV + "wasDerivedFrom", OWL + "versionIRI", RDFS + "domain", RDFS + "range",
}
PER_PROPERTY = 4
MAX_COLUMN = 12
MAX_SECOND = 14
NODE_W, NODE_H, GAP, COL_GAP = 200, 40, 10, 46

KIND = {
    "Norm": "norm", "VoluntaryNorm": "norm", "LegalPrinciple": "norm", "PoliticalCommitment": "norm",
    "Responsibility": "resp", "Claim": "claim", "State": "actor", "Organisation": "actor", "Person": "actor",
    "Group": "actor", "ActorCluster": "actor", "Initiative": "initiative", "Report": "source", "Instrument": "source",
    "CitedWork": "source", "Section": "text", "Paragraph": "text", "Footnote": "text", "Citation": "text",
    "Quote": "text", "Question": "question", "Theme": "concept", "Status": "concept", "DimensionValue": "concept",
    "Concept": "concept", "StateRole": "concept",
}


@dataclass
class Node:
    iri: str | None
    label: str
    caption: str
    column: int
    kind: str = "other"
    href: str | None = None
    parents: list[str] = field(default_factory=list)


def kind_of(index: Index, iri: str) -> str:
    t = index.primary_type(iri)
    if t and t.startswith(NGD):
        return KIND.get(t[len(NGD):], "other")
    return "other"


def neighbourhood_svg(ctx: Ctx, index: Index, d: Description, doc_path: str) -> str:
    center = d.iri
    nodes: dict[tuple[int, str], Node] = {}
    edges: list[tuple[tuple[int, str], tuple[int, str]]] = []

    def first_hop(column: int, pairs: list[tuple[str, str]], caption_of: object) -> None:
        by_prop: dict[str, list[str]] = defaultdict(list)
        for p, n in pairs:
            if p in SKIP or n == center or n in by_prop[p]:
                continue
            by_prop[p].append(n)
        count = 0
        for p in sorted(by_prop, key=lambda p: (-len(by_prop[p]) if column < 0 else 0, prop_label(index, p))):
            items = sorted(by_prop[p], key=lambda n: index.label(n).lower())
            shown = items[:PER_PROPERTY]
            caption = caption_of(p)  # type: ignore[operator]
            for n in shown:
                if count >= MAX_COLUMN:
                    break
                key = (column, n)
                if key not in nodes:
                    nodes[key] = Node(n, index.label(n), caption, column, kind_of(index, n), ctx.link(n))
                    edges.append(((0, center), key) if column > 0 else (key, (0, center)))
                    count += 1
            total = _total(d, p, column, len(items))
            if total > len(shown) and count < MAX_COLUMN:
                more = total - len(shown)
                curie = ctx.site.curie(p)
                href = ctx.href(doc_path) + "?" + urlencode({"in": curie}) + "#incoming" if column < 0 else "#statements"
                key = (column, f"more:{p}")
                nodes[key] = Node(None, f"+ {more} more", caption, column, "more", href)
                edges.append(((0, center), key) if column > 0 else (key, (0, center)))
                count += 1

    in_pairs = [(p, s) for s, p, _ in d.incoming if not s.startswith("_:")]
    incoming_nodes = {s for _, s in in_pairs}
    # a node linked both ways (a claim "about" this, and "claimed by" inferred back) is drawn once, on the left
    out_pairs = [(st.p, st.o.value) for st in d.out if st.o.is_iri and st.o.value not in incoming_nodes]
    first_hop(1, out_pairs, lambda p: prop_label(index, p))
    first_hop(-1, in_pairs, lambda p: inverse_label(index, p))

    second = 0
    children: dict[tuple[int, str], int] = defaultdict(int)
    for k, p1, n, p2, m in d.hops:
        if second >= MAX_SECOND or m == center:
            continue
        if k == "hop-norm":  # (claim n, claimant/status p2, actor m, responsibility p1)
            if p2 != NGD + "claimant":
                continue
            parent, column, caption = (-1, p1), -2, "claimed by"
        elif k == "hop-in":
            parent, column, caption = (-1, n), -2, prop_label(index, p2)
        else:
            parent, column, caption = (1, n), 2, prop_label(index, p2)
        if parent not in nodes or children[parent] >= 3:
            continue
        key = (column, m)
        if key not in nodes:
            nodes[key] = Node(m, index.label(m), caption, column, kind_of(index, m), ctx.link(m))
            second += 1
        edge = (key, parent) if column < 0 else (parent, key)
        if edge not in edges:
            edges.append(edge)
            children[parent] += 1

    nodes[(0, center)] = Node(center, index.label(center), index.type_word(center), 0, kind_of(index, center) + " center")
    if len(nodes) == 1:
        return ""
    return _render(nodes, edges)


def _total(d: Description, p: str, column: int, sampled: int) -> int:
    if column > 0:
        return sampled
    return max(sampled, sum(d.incoming_counts.get(p, {}).values()))


def _render(nodes: dict[tuple[int, str], Node], edges: list[tuple[tuple[int, str], tuple[int, str]]]) -> str:
    columns = sorted({key[0] for key in nodes})
    col_x = {c: 10 + i * (NODE_W + COL_GAP) for i, c in enumerate(columns)}
    per_col: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for key in nodes:
        per_col[key[0]].append(key)
    tallest = max(len(v) for v in per_col.values())
    height = int(max(tallest * (NODE_H + GAP) + GAP, NODE_H + 2 * GAP))
    pos: dict[tuple[int, str], tuple[float, float]] = {}
    for c, keys in per_col.items():
        top = (height - (len(keys) * (NODE_H + GAP) - GAP)) / 2
        for i, key in enumerate(keys):
            pos[key] = (col_x[c], top + i * (NODE_H + GAP))
    width = col_x[columns[-1]] + NODE_W + 10
    parts = [f'<svg class="diagram" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" role="img" aria-label="Neighbourhood diagram">']
    for a, b in edges:
        if a not in pos or b not in pos:
            continue
        (ax, ay), (bx, by) = pos[a], pos[b]
        x1, y1, x2, y2 = ax + NODE_W, ay + NODE_H / 2, bx, by + NODE_H / 2
        mid = (x1 + x2) / 2
        parts.append(f'<path class="edge" d="M{x1:.0f},{y1:.0f} C{mid:.0f},{y1:.0f} {mid:.0f},{y2:.0f} {x2:.0f},{y2:.0f}"/>')
    for key, node in nodes.items():
        x, y = pos[key]
        inner = (f'<title>{e(node.caption)}: {e(node.label)}</title>'
                 f'<rect class="node {e(node.kind)}" x="{x:.0f}" y="{y:.0f}" width="{NODE_W}" height="{NODE_H}" rx="6"/>'
                 f'<text class="caption" x="{x + 8:.0f}" y="{y + 14:.0f}">{e(clip(node.caption, 32))}</text>'
                 f'<text class="label" x="{x + 8:.0f}" y="{y + 31:.0f}">{e(clip(node.label, 27))}</text>')
        parts.append(f'<a href="{e(node.href)}">{inner}</a>' if node.href else f"<g>{inner}</g>")
    parts.append("</svg>")
    return "".join(parts)


