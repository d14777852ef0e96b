"""The reading view: a source document as HTML, rebuilt from the published graph alone.

The normalised text is reassembled from the paragraphs, headings and footnotes (each knows its
offset) and checked against the document's ng:textSha256. Every quote (ng:Quote, offsets into
that text) is highlighted and linked — to what it is evidence for, or to the quote's page — and
has an anchor ``#char=START,END``; ``?hl=START,END`` marks one span server-side (no script).
Sections, paragraphs and footnotes have anchors (#s-…, #p-…, #fn-N); footnote markers link to
the notes, the notes to the cited works' pages and back to their paragraph."""

from __future__ import annotations

import hashlib
import itertools
from collections import defaultdict
from dataclasses import dataclass, field

from api.app import HttpError
from api.linked_data.html import e, link
from api.linked_data.index import Index
from api.linked_data.reading_links import char_anchor, paragraph_anchor, section_anchor
from api.linked_data.site import DCT, NGD, OA, RDF, Ctx, Site, uri

READ_QUERY = f"""
SELECT ?doc ?k ?s ?a ?b ?c ?t WHERE {{
  {{ ?doc <{NGD}textLength> ?a ; <{NGD}textSha256> ?t . BIND(?doc AS ?s) BIND("doc" AS ?k) }}
  UNION {{ ?s <{NGD}inDocument> ?doc ; <{RDF}type> <{NGD}Section> ; <{NGD}heading> ?t ; <{NGD}startOffset> ?a ; <{NGD}level> ?b .
           BIND("section" AS ?k) }}
  UNION {{ ?s <{NGD}inDocument> ?doc ; <{RDF}type> <{NGD}Paragraph> ; <{NGD}text> ?t ; <{NGD}startOffset> ?a .
           OPTIONAL {{ ?s <{NGD}isListItem> ?b }} OPTIONAL {{ ?s <{DCT}isPartOf> ?c }} BIND("para" AS ?k) }}
  UNION {{ ?s <{NGD}inDocument> ?doc ; <{RDF}type> <{NGD}Footnote> ; <{NGD}noteNumber> ?a ; <{NGD}text> ?t ;
              <{NGD}evidence> ?q . ?q <{OA}start> ?b . BIND("note" AS ?k) }}
  UNION {{ ?c <{NGD}hasFootnoteMarker> ?s ; <{NGD}inDocument> ?doc . BIND("marker" AS ?k) }}
  UNION {{ ?s <{NGD}inDocument> ?doc ; <{NGD}hasCitation> ?cit . ?cit <{NGD}citedWork> ?c ; <{NGD}position> ?a .
           BIND("cites" AS ?k) }}
  UNION {{ ?s <{NGD}sourceDocument> ?doc ; <{OA}start> ?a ; <{OA}end> ?b . OPTIONAL {{ ?c <{NGD}evidence> ?s }}
           BIND("quote" AS ?k) }}
  UNION {{ ?c <{NGD}mentionedIn> ?s . ?s <{NGD}inDocument> ?doc . BIND("mention" AS ?k) }}
}}"""

STRUCTURAL = {NGD + "Footnote", NGD + "Paragraph", NGD + "Section", NGD + "Report"}
QUOTE_KIND = {"Claim": "claim", "Norm": "norm", "Question": "question", "Classification": "classification",
              "Concept": "entity", "Initiative": "entity", "State": "entity", "Organisation": "entity",
              "Person": "entity", "Group": "entity", "Participation": "entity", "RoleAttribution": "entity",
              "EnvironmentCriterion": "entity", "RegimeComponent": "entity", "AnnexEntry": "claim", "Instrument": "entity",
              "CitedWork": "entity"}


@dataclass
class Block:
    start: int
    end: int
    kind: str  # heading | para | note
    iri: str
    level: int = 0
    list_item: bool = False
    number: int = 0


@dataclass
class Document:
    iri: str
    slug: str
    text: str
    verified: bool
    expected_sha: str
    blocks: list[Block]
    sections: list[tuple[int, str, bool]]  # (offset, section IRI, has a heading in the text)
    quotes: dict[str, tuple[int, int]]
    evidenced: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    markers: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    cites: dict[str, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))
    cited_from: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    mentions: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))


async def load_document(site: Site, slug: str) -> Document:
    doc_iri = site.id_ns + "document/" + slug

    async def make() -> Document:
        rows = await site.select(READ_QUERY, {"doc": uri(doc_iri)}, cap=0, timeout=30)
        if not any(r["k"]["value"] == "doc" for r in rows):
            raise HttpError(404, f"no document {slug!r} in this dataset")
        return assemble(doc_iri, slug, rows)

    return await site.cached("read:" + slug, make)


def assemble(doc_iri: str, slug: str, rows: list[dict]) -> Document:
    length, sha = 0, ""
    pieces: list[tuple[int, str, Block | None]] = []
    sections: list[tuple[int, str, str, int]] = []
    quotes: dict[str, tuple[int, int]] = {}
    evidenced: dict[str, list[str]] = defaultdict(list)
    markers: dict[str, list[str]] = defaultdict(list)
    cites: dict[str, list[tuple[int, str]]] = defaultdict(list)
    cited_from: dict[str, list[str]] = defaultdict(list)
    mentions: dict[str, list[str]] = defaultdict(list)
    for r in rows:
        k, s = r["k"]["value"], r["s"]["value"]
        if k == "doc":
            length, sha = int(r["a"]["value"]), r["t"]["value"]
        elif k == "section":
            sections.append((int(r["a"]["value"]), s, r["t"]["value"], int(r["b"]["value"])))
        elif k == "para":
            start, text = int(r["a"]["value"]), r["t"]["value"]
            item = r.get("b", {}).get("value") in ("true", "1")
            pieces.append((start, text, Block(start, start + len(text), "para", s, list_item=item)))
        elif k == "note":
            number, text, text_start = int(r["a"]["value"]), r["t"]["value"], int(r["b"]["value"])
            prefix = f"[{number}] "
            start = text_start - len(prefix)
            pieces.append((start, prefix + text, Block(start, text_start + len(text), "note", s, number=number)))
        elif k == "marker":
            if s not in markers[r["c"]["value"]]:
                markers[r["c"]["value"]].append(s)
            if r["c"]["value"] not in cited_from[s]:
                cited_from[s].append(r["c"]["value"])
        elif k == "cites":
            entry = (int(r["a"]["value"]), r["c"]["value"])
            if entry not in cites[s]:
                cites[s].append(entry)
        elif k == "quote":
            quotes[s] = (int(r["a"]["value"]), int(r["b"]["value"]))
            if "c" in r and r["c"]["value"] not in evidenced[s]:
                evidenced[s].append(r["c"]["value"])
        elif k == "mention" and r["c"]["value"] not in mentions[s]:
            mentions[s].append(r["c"]["value"])
    chars: list[str | None] = [None] * length
    blocks: list[Block] = []
    for start, text, block in pieces:
        if start >= 0 and start + len(text) <= length:
            chars[start:start + len(text)] = list(text)
            if block is not None:
                blocks.append(block)
    placed: list[tuple[int, str, bool]] = []
    for start, iri, heading, level in sorted(sections):
        end = start + len(heading)
        fits = start >= 0 and end <= length and all(c is None for c in chars[start:end])
        if fits:
            chars[start:end] = list(heading)
            blocks.append(Block(start, end, "heading", iri, level=level))
        placed.append((start, iri, fits))
    text = "".join(c if c is not None else "\n" for c in chars)
    verified = hashlib.sha256(text.encode("utf-8")).hexdigest() == sha
    blocks.sort(key=lambda b: (b.start, b.kind != "heading"))
    for values in cites.values():
        values.sort()
    return Document(doc_iri, slug, text, verified, sha, blocks, placed, quotes, evidenced, markers, cites, cited_from,
                    mentions)


def _anchor_path(site: Site, iri: str, kind: str, slug: str) -> str:
    prefix = f"{site.id_ns}{kind}/{slug}/"
    return iri[len(prefix):] if iri.startswith(prefix) else iri.rsplit("/", 1)[-1]


def parse_hl(raw: str | None, length: int) -> tuple[int, int] | None:
    if raw is None:
        return None
    start_text, sep, end_text = raw.partition(",")
    try:
        start, end = int(start_text), int(end_text)
    except ValueError:
        raise HttpError(400, "hl must be START,END (character offsets)") from None
    if not sep or not 0 <= start < end <= length:
        raise HttpError(400, f"hl={raw[:40]!r} is not a span of this document (0…{length})")
    return start, end


def render(ctx: Ctx, index: Index, doc: Document, hl: tuple[int, int] | None) -> tuple[str, str]:
    site = ctx.site
    title = index.label(doc.iri)
    quote_kind: dict[str, str] = {}
    quote_target: dict[str, str] = {}
    for q in doc.quotes:
        things = doc.evidenced.get(q, [])
        meaningful = [t for t in things if not (set(index.types.get(t, [])) & STRUCTURAL)]
        if not meaningful:
            quote_kind[q] = "struct"
            quote_target[q] = ctx.link(q)
            continue
        t = index.primary_type(meaningful[0]) or ""
        quote_kind[q] = QUOTE_KIND.get(t[len(NGD):], "other")
        quote_target[q] = ctx.link(meaningful[0]) if len(meaningful) == 1 else ctx.link(q)
    by_start: list[tuple[int, int, str]] = sorted((s, en, q) for q, (s, en) in doc.quotes.items())

    def segments(bs: int, be: int) -> str:
        inside = [(s, en, q) for s, en, q in by_start if s < be and en > bs]
        cuts = {bs, be}
        for s, en, _ in inside:
            cuts.add(max(s, bs))
            cuts.add(min(en, be))
        if hl:
            for c in hl:
                if bs < c < be:
                    cuts.add(c)
        points = sorted(cuts)
        out = []
        anchored: set[tuple[int, int]] = set()
        for a, b in itertools.pairwise(points):
            for s, en, _ in inside:
                if s == a and (s, en) not in anchored:
                    anchored.add((s, en))
                    out.append(f'<span class="anchor" id="{char_anchor(s, en)}"></span>')
            piece = e(doc.text[a:b])
            covering = [(en - s, q) for s, en, q in inside if s <= a and en >= b]
            target = hl is not None and hl[0] <= a and b <= hl[1]
            if not covering:
                out.append(f'<mark class="target">{piece}</mark>' if target else piece)
                continue
            covering.sort()
            q = covering[0][1]
            labels = []
            for _, cq in covering:
                for thing in doc.evidenced.get(cq, [])[:3]:
                    label = f"{index.type_word(thing)}: {index.label(thing)}"
                    if label not in labels:
                        labels.append(label)
            kind = "struct" if all(quote_kind.get(cq) == "struct" for _, cq in covering) else quote_kind.get(q, "other")
            if kind == "struct":
                kind = next((quote_kind[cq] for _, cq in covering if quote_kind.get(cq) != "struct"), "struct")
            classes = f"q q-{kind}" + (" target" if target else "") + (" nested" if len(covering) > 1 else "")
            tip = "; ".join(labels[:5]) or "quote"
            out.append(f'<a class="{classes}" href="{e(quote_target.get(q, ctx.link(q)))}" title="{e(tip)}">{piece}</a>')
        return "".join(out)

    parts: list[str] = []
    h = ctx.href
    parts.append(f'<p class="types"><a class="type" href="{e(ctx.link(doc.iri))}">report</a> '
                 f'<span class="muted">reading view</span></p><h1>{e(title)}</h1>')
    parts.append(
        f'<p class="iri"><code>{e(doc.iri)}</code> · <a href="{e(ctx.link(doc.iri))}">about this document</a> · '
        f'<a href="{e(h("/read/" + doc.slug + ".txt"))}">normalised text</a></p>'
        '<p class="legend"><span class="q q-claim">claim</span> <span class="q q-norm">norm</span> '
        '<span class="q q-question">question</span> <span class="q q-classification">classification</span> '
        '<span class="q q-entity">actor, initiative, concept…</span> — highlighted text is a quote the graph takes a fact '
        "from; follow it to the fact. ¶ links to the paragraph’s page.</p>")
    if not doc.verified:
        parts.append('<p class="warning">The text reassembled from the graph does not match the document’s recorded '
                     "SHA-256: offsets may be off.</p>")
    synthetic = {start: [iri for s, iri, fits in doc.sections if s == start and not fits] for start, _, _ in doc.sections}
    emitted_sections: set[str] = set()
    in_list = False
    notes_open = False
    for block in doc.blocks:
        for iri in synthetic.get(block.start, []):
            if iri not in emitted_sections:
                emitted_sections.add(iri)
                path = _anchor_path(site, iri, "section", doc.slug)
                parts.append(f'<span class="anchor" id="{e(section_anchor(path))}"></span>')
        if in_list and not (block.kind == "para" and block.list_item):
            parts.append("</ul>")
            in_list = False
        if block.kind == "heading":
            emitted_sections.add(block.iri)
            level = min(max(block.level, 1) + 1, 6)
            path = _anchor_path(site, block.iri, "section", doc.slug)
            parts.append(f'<h{level} id="{e(section_anchor(path))}">{segments(block.start, block.end)} '
                         f'<a class="pl" href="{e(ctx.link(block.iri))}" title="section page">§</a></h{level}>')
        elif block.kind == "para":
            path = _anchor_path(site, block.iri, "paragraph", doc.slug)
            extra = []
            for note in doc.markers.get(block.iri, []):
                n = note.rsplit("/", 1)[-1]
                extra.append(f'<sup><a class="fnref" href="#fn-{e(n)}" id="fnref-{e(n)}">{e(n)}</a></sup>')
            mentions = doc.mentions.get(block.iri, [])
            chips = ""
            if mentions:
                chips = '<span class="mentions">mentions: ' + ", ".join(
                    link(ctx, index, m) for m in sorted(mentions, key=lambda m: index.label(m).lower())[:12]) + "</span>"
            inner = (f'{segments(block.start, block.end)}{"".join(extra)} '
                     f'<a class="pl" href="{e(ctx.link(block.iri))}" title="paragraph page">¶</a>{chips}')
            if block.list_item:
                if not in_list:
                    parts.append("<ul>")
                    in_list = True
                parts.append(f'<li id="{e(paragraph_anchor(path))}">{inner}</li>')
            else:
                parts.append(f'<p id="{e(paragraph_anchor(path))}">{inner}</p>')
        elif block.kind == "note":
            if not notes_open:
                parts.append('<section class="notes" id="notes"><h2>Notes</h2><ol class="notes">')
                notes_open = True
            prefix_len = len(f"[{block.number}] ")
            works = doc.cites.get(block.iri, [])
            cite = ""
            if works:
                seen: list[str] = []
                for _, w in works:
                    if w not in seen:
                        seen.append(w)
                cite = '<span class="cites">cites: ' + "; ".join(link(ctx, index, w) for w in seen) + "</span>"
            back = "".join(f' <a class="back" href="#{e(paragraph_anchor(_anchor_path(site, p, "paragraph", doc.slug)))}" '
                           f'title="back to the text">↩</a>' for p in doc.cited_from.get(block.iri, [])[:3])
            parts.append(f'<li id="fn-{block.number}" value="{block.number}"><a class="pl" href="{e(ctx.link(block.iri))}" '
                         f'title="footnote page">[{block.number}]</a> '
                         f"{segments(block.start + prefix_len, block.end)}{back}{cite}</li>")
    if in_list:
        parts.append("</ul>")
    if notes_open:
        parts.append("</ol></section>")
    return title, "".join(parts)
