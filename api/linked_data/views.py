"""Two views regenerated from the graph, every cell linking to its resources:

- **Annex 1**: GGE norms × private sector / other actors × extant / prospective, as printed
  (column headers per row kept), empty cells shown as empty, omitted norms listed;
- **the responsibility matrix** of each baseline study: theme × claimant cluster × status
  (assumed / advocated / suggested), each claim linked with its bullet as the text."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from api.linked_data.html import clip, e, link
from api.linked_data.index import Index
from api.linked_data.site import NGD, OA, SKOS, Ctx, Site

ANNEX_QUERY = f"""
SELECT ?annex ?row ?norm ?notation ?rowText ?cell ?grp ?st ?hdr ?empty ?entry ?etext ?eorder ?target ?resp ?omitted WHERE {{
  {{ ?annex a <{NGD}Annex> ; <{NGD}hasRow> ?row . ?row <{NGD}norm> ?norm ; <{NGD}hasCell> ?cell .
     OPTIONAL {{ ?norm <{SKOS}notation> ?notation }} OPTIONAL {{ ?row <{NGD}rowText> ?rowText }}
     ?cell <{NGD}actorGroup> ?grp ; <{NGD}status> ?st .
     OPTIONAL {{ ?cell <{NGD}columnHeader> ?hdr }} OPTIONAL {{ ?cell <{NGD}isEmpty> ?empty }}
     OPTIONAL {{ ?cell <{NGD}hasEntry> ?entry . OPTIONAL {{ ?entry <{NGD}text> ?etext }} OPTIONAL {{ ?entry <{NGD}order> ?eorder }}
                OPTIONAL {{ ?entry <{NGD}expresses>|<{NGD}refersTo> ?target . OPTIONAL {{ ?target <{NGD}about> ?resp }} }} }} }}
  UNION
  {{ ?annex a <{NGD}Annex> ; <{NGD}omitsNorm> ?omitted . OPTIONAL {{ ?omitted <{SKOS}notation> ?notation }} }}
}}"""

MATRIX_QUERY = f"""
SELECT ?doc ?subject ?c ?claimant ?status ?r ?theme ?exact ?order WHERE {{
  ?doc <{NGD}subjectCluster> ?subject .
  ?c a <{NGD}Claim> ; <{NGD}claimant> ?claimant ; <{NGD}status> ?status ; <{NGD}about> ?r ; <{NGD}evidence> ?q .
  ?q <{NGD}sourceDocument> ?doc ; <{OA}exact> ?exact .
  OPTIONAL {{ ?c <{NGD}order> ?order }}
  OPTIONAL {{ ?r <{NGD}theme> ?theme }}
}}"""

STATUS_ORDER = ["assumed", "recognised", "advocated", "suggested", "prospective", "attributed"]


def _v(row: dict[str, Any], key: str) -> str | None:
    return row[key]["value"] if key in row else None


async def annex_rows(site: Site) -> list[dict[str, Any]]:
    return await site.cached("annex", lambda: site.select(ANNEX_QUERY, cap=0))


async def matrix_rows(site: Site) -> list[dict[str, Any]]:
    return await site.cached("matrix", lambda: site.select(MATRIX_QUERY, cap=0))


def _notation_key(text: str | None) -> tuple[str, str]:
    return (text or "~", text or "")


def render_annex(ctx: Ctx, index: Index, rows: list[dict[str, Any]]) -> tuple[str, str]:
    site = ctx.site
    annexes: dict[str, dict[str, Any]] = defaultdict(lambda: {"rows": {}, "omitted": {}})
    for r in rows:
        a = annexes[_v(r, "annex") or ""]
        if "omitted" in r:
            a["omitted"][r["omitted"]["value"]] = _v(r, "notation")
            continue
        row = a["rows"].setdefault(r["row"]["value"], {"norm": _v(r, "norm"), "notation": _v(r, "notation"),
                                                       "text": _v(r, "rowText"), "cells": {}})
        cell = row["cells"].setdefault((r["grp"]["value"], r["st"]["value"]), {
            "iri": r["cell"]["value"], "header": _v(r, "hdr"), "empty": _v(r, "empty") in ("true", "1"), "entries": {}})
        if "entry" in r:
            entry = cell["entries"].setdefault(r["entry"]["value"], {"text": _v(r, "etext") or "", "order": int(_v(r, "eorder") or 0),
                                                                     "target": _v(r, "target"), "resp": _v(r, "resp")})
            if entry["resp"] is None and "resp" in r:
                entry["resp"] = r["resp"]["value"]
    parts = []
    title = "Annex 1: UN GGE norms and the roles of the private sector and other actors"
    parts.append(f"<h1>{e(title)}</h1><p class=\"lead\">Regenerated from the graph: for each 2015 UN GGE norm, what the "
                 "workshop participants saw the private sector and other actors already doing (extant / assumed) and what "
                 "they could do (prospective). Every entry links to the responsibility it expresses (or the initiative it "
                 "names); every cell to its own resource. Empty cells are shown as empty, as in the report.</p>")
    if not annexes:
        parts.append("<p class=muted>This dataset has no Annex 1.</p>")
    for annex_iri, annex in sorted(annexes.items()):
        columns = sorted({key for row in annex["rows"].values() for key in row["cells"]},
                         key=lambda k: (0 if k[0].endswith("/private-sector") else 1, index.label(k[0]),
                                        _status_rank(site, k[1])))
        groups: list[tuple[str, int]] = []
        for grp, _ in columns:
            if groups and groups[-1][0] == grp:
                groups[-1] = (grp, groups[-1][1] + 1)
            else:
                groups.append((grp, 1))
        parts.append(f'<section class="annex" id="{e(annex_iri.rsplit("/", 1)[-1])}"><h2>{link(ctx, index, annex_iri)}</h2>')
        parts.append('<div class="scroll"><table class="grid annex-table"><thead><tr><th rowspan="2" scope="col">Norm</th>')
        parts += [f'<th colspan="{n}" scope="colgroup">{link(ctx, index, g)}</th>' for g, n in groups]
        parts.append("</tr><tr>")
        parts += [f'<th scope="col">{link(ctx, index, st)}</th>' for _, st in columns]
        parts.append("</tr></thead><tbody>")
        for row_iri, row in sorted(annex["rows"].items(), key=lambda kv: _notation_key(kv[1]["notation"])):
            norm = row["norm"]
            head = link(ctx, index, norm, row["notation"] or index.label(norm)) if norm else ""
            text = f'<div class="rowtext">{e(clip(row["text"], 220))}</div>' if row["text"] else ""
            parts.append(f'<tr><th scope="row">{head} <a class="pl" href="{e(ctx.link(row_iri))}" title="row">↗</a>{text}</th>')
            for key in columns:
                cell = row["cells"].get(key)
                if cell is None:
                    parts.append('<td class="absent"></td>')
                    continue
                printed = ""
                if cell["header"]:
                    printed = f'<span class="printed" title="column header as printed">{e(cell["header"])}</span>'
                cell_link = f'<a class="pl" href="{e(ctx.link(cell["iri"]))}" title="cell resource">cell</a>'
                if cell["empty"] or not cell["entries"]:
                    parts.append(f'<td class="empty" aria-label="empty cell">{printed}<span class="dash">—</span> {cell_link}</td>')
                    continue
                items = []
                for entry_iri, entry in sorted(cell["entries"].items(), key=lambda kv: (kv[1]["order"], kv[0])):
                    target = entry["resp"] or entry["target"] or entry_iri
                    items.append(f'<li><a href="{e(ctx.link(target))}" title="{e(index.label(target))}">{e(entry["text"])}</a> '
                                 f'<a class="pl" href="{e(ctx.link(entry_iri))}" title="entry">↗</a></li>')
                parts.append(f'<td>{printed}<ul class="entries">{"".join(items)}</ul>{cell_link}</td>')
            parts.append("</tr>")
        parts.append("</tbody></table></div>")
        if annex["omitted"]:
            omitted = ", ".join(link(ctx, index, n, notation or index.label(n))
                                for n, notation in sorted(annex["omitted"].items(), key=lambda kv: _notation_key(kv[1])))
            parts.append(f"<p>Norms the annex has no row for: {omitted}.</p>")
        parts.append("</section>")
    return title, "".join(parts)


def _status_rank(site: Site, status: str) -> int:
    slug = status.rsplit("/", 1)[-1]
    return STATUS_ORDER.index(slug) if slug in STATUS_ORDER else 99


def render_matrix(ctx: Ctx, index: Index, rows: list[dict[str, Any]]) -> tuple[str, str]:
    site = ctx.site
    title = "Responsibility matrix of the baseline study"
    docs: dict[str, dict[str, Any]] = defaultdict(lambda: {"subject": None, "claims": {}})
    for r in rows:
        d = docs[r["doc"]["value"]]
        d["subject"] = r["subject"]["value"]
        c = d["claims"].setdefault(r["c"]["value"], {"claimant": r["claimant"]["value"], "status": r["status"]["value"],
                                                     "r": r["r"]["value"], "themes": set(), "exact": r["exact"]["value"],
                                                     "order": int(_v(r, "order") or 0)})
        if "theme" in r:
            c["themes"].add(r["theme"]["value"])
    parts = [f"<h1>{e(title)}</h1><p class=\"lead\">Regenerated from the graph: every bullet of the study as a claim — "
             "who argues it (claimant cluster), with what status (assumed and advocated by the subject cluster itself, "
             "suggested by another cluster), under which theme. Each entry links to its claim; each theme to the "
             "responsibility the claims are about.</p>"]
    if not docs:
        parts.append("<p class=muted>No baseline study in this dataset.</p>")
    for doc_iri, d in sorted(docs.items()):
        subject = d["subject"]
        cols = sorted({(c["claimant"], c["status"]) for c in d["claims"].values()},
                      key=lambda k: (k[0] != subject, index.label(k[0]), _status_rank(site, k[1])))
        grid: dict[str, dict[tuple[str, str], list[tuple[str, dict]]]] = defaultdict(lambda: defaultdict(list))
        theme_resp: dict[str, set[str]] = defaultdict(set)
        for c_iri, c in d["claims"].items():
            slug = c["r"].rsplit("/", 1)[-1]
            themes = [t for t in c["themes"] if t.rsplit("/", 1)[-1] == slug] or sorted(c["themes"])[:1] or [""]
            for t in themes:
                grid[t][(c["claimant"], c["status"])].append((c_iri, c))
                theme_resp[t].add(c["r"])
        parts.append(f'<section id="{e(doc_iri.rsplit("/", 1)[-1])}"><h2>{link(ctx, index, doc_iri)}</h2>'
                     f"<p>Subject cluster: {link(ctx, index, subject)} · {len(d['claims'])} claims · "
                     f"{len(grid)} themes.</p>")
        groups: list[tuple[str, int]] = []
        for claimant, _ in cols:
            if groups and groups[-1][0] == claimant:
                groups[-1] = (claimant, groups[-1][1] + 1)
            else:
                groups.append((claimant, 1))
        parts.append('<div class="scroll"><table class="grid matrix"><thead><tr><th rowspan="2" scope="col">Theme</th>')
        parts += [f'<th colspan="{n}" scope="colgroup">{link(ctx, index, g)}</th>' for g, n in groups]
        parts.append("</tr><tr>")
        parts += [f'<th scope="col">{link(ctx, index, st)}</th>' for _, st in cols]
        parts.append("</tr></thead><tbody>")
        totals: dict[tuple[str, str], int] = defaultdict(int)
        for theme in sorted(grid, key=lambda t: index.label(t).lower() if t else "~"):
            resps = sorted(theme_resp[theme])
            head = link(ctx, index, theme) if theme else "(no theme)"
            if resps:
                head += '<div class="rowtext">' + ", ".join(link(ctx, index, r) for r in resps) + "</div>"
            parts.append(f'<tr><th scope="row">{head}</th>')
            for col in cols:
                claims = sorted(grid[theme].get(col, []), key=lambda kv: (kv[1]["order"], kv[0]))
                totals[col] += len(claims)
                if not claims:
                    parts.append('<td class="empty" aria-label="no claim"><span class="dash">—</span></td>')
                    continue
                items = "".join(f'<li><a href="{e(ctx.link(c_iri))}" title="{e(c["exact"])}">{e(clip(c["exact"], 110))}</a></li>'
                                for c_iri, c in claims)
                parts.append(f'<td><span class="n">{len(claims)}</span><ul class="entries">{items}</ul></td>')
            parts.append("</tr>")
        parts.append('<tr class="totals"><th scope="row">claims</th>' + "".join(f"<td>{totals[c]}</td>" for c in cols) + "</tr>")
        parts.append("</tbody></table></div></section>")
    return title, "".join(parts)


def listing_quads(site: Site, index: Index, iris: list[str]) -> list:
    """Type and label of each listed resource (for the RDF alternates of views and indexes)."""
    from api.linked_data.rdfdoc import I, L
    from api.linked_data.site import RDF

    quads = []
    for iri in iris:
        for t in index.types.get(iri, []):
            quads.append((I(iri), RDF + "type", I(t), None))
        found = index.label_triples.get(iri)
        if found:
            quads.append((I(iri), found[0], L(found[1], found[2]), None))
    return quads
