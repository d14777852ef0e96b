"""The data-quality page: the current SHACL report of the published dataset.

Validation (pyshacl, ~15 s) runs once per published store in a separate daemon process, started
by the first request for the page; until it is done the page says so and refreshes itself
(a meta refresh: no script)."""

from __future__ import annotations

import asyncio
import multiprocessing as mp
import time
from collections import defaultdict
from typing import Any

from api.linked_data.html import e, link
from api.linked_data.index import Index
from api.linked_data.site import Ctx, Site


def _validate(store_path: str, base: str, conn: Any) -> None:
    """In a child process: validate the asserted graphs of one published store."""
    try:
        import os

        import pyoxigraph as ox
        from rdflib import Graph

        from graph.build import ontology_graphs
        from graph.validate import validate
        from loaders.namespaces import Iris

        iris = Iris(base)
        st = ox.Store.read_only(os.path.join(store_path, "oxigraph"))
        graphs = base + "graph/"
        dump = st.query(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
                        f"FILTER(?g NOT IN (<{graphs}inferred>, <{graphs}metadata>)) }}").serialize(format=ox.RdfFormat.N_TRIPLES)
        data = Graph()
        data.parse(data=dump, format="nt")
        ontology, vocabulary = ontology_graphs(iris)
        started = time.perf_counter()
        report = validate(data, ontology + vocabulary, iris=iris)
        conn.send({"conforms": report.conforms, "triples": len(data), "seconds": round(time.perf_counter() - started, 1),
                   "violations": [v.__dict__ for v in report.violations]})
    except Exception as exc:  # reported on the page, never raised into the server
        conn.send({"error": f"{type(exc).__name__}: {exc}"})
    finally:
        conn.close()


class Validator:
    def __init__(self, site: Site) -> None:
        self.site = site
        self.running: dict[str, tuple[Any, Any, float]] = {}
        self.ctx = mp.get_context("spawn")

    def report(self) -> dict[str, Any] | None:
        """The report of the current store, or None while it is being computed (starts it)."""
        store = self.site.store_key()
        done = self.site.peek("shacl-report")
        if done is not None:
            return done  # type: ignore[no-any-return]
        if store not in self.running:
            parent, child = self.ctx.Pipe(duplex=False)
            process = self.ctx.Process(target=_validate, args=(store, self.site.base, child), daemon=True,
                                       name="normgraph-shacl")
            process.start()
            child.close()
            self.running = {store: (process, parent, time.monotonic())}
        process, parent, _ = self.running[store]
        if parent.poll():
            try:
                result = parent.recv()
            except (EOFError, OSError):
                result = {"error": "the validation process stopped unexpectedly"}
            process.join(timeout=1)
            self.site.put("shacl-report", result)
            self.running.pop(store, None)
            return result  # type: ignore[no-any-return]
        if not process.is_alive():
            self.running.pop(store, None)
            result = {"error": "the validation process stopped unexpectedly"}
            self.site.put("shacl-report", result)
            return result
        return None

    async def wait(self, seconds: float) -> dict[str, Any] | None:
        deadline = time.monotonic() + seconds
        while True:
            found = self.report()
            if found is not None or time.monotonic() >= deadline:
                return found
            await asyncio.sleep(0.2)


def render(ctx: Ctx, index: Index, report: dict[str, Any] | None) -> tuple[str, str, bool]:
    """(title, body, still running)."""
    h = ctx.href
    intro = ("<h1>Data quality</h1>"
             f'<p class="lead">The published dataset checked against the <a href="{e(h("/shapes"))}">SHACL shapes</a> '
             "(closed world, no inference, asserted graphs only — as <code>normgraph validate</code> does). "
             "Every build is validated before it is published; this page shows the report for what is served now, "
             "including any writes made through the Graph Store since.</p>")
    if report is None:
        return "Data quality", intro + '<p class="notice">The report is being computed (about 15–30 seconds); this page ' \
            "refreshes itself.</p>", True
    if "error" in report:
        return "Data quality", intro + f'<p class="warning">The report could not be computed: {e(report["error"])}</p>', False
    violations = report.get("violations", [])
    status = ('<p class="ok">✓ The data conforms to the shapes: 0 violations.</p>' if report.get("conforms")
              else f'<p class="warning">✗ {len(violations)} result(s).</p>')
    parts = [intro, status, f'<p class="muted">{report.get("triples", 0)} asserted triples checked in '
             f'{report.get("seconds", "?")} s.</p>']
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for v in violations:
        groups[v.get("message", "")].append(v)
    for message, items in sorted(groups.items(), key=lambda kv: -len(kv[1])):
        shape = items[0].get("shape", "")
        shape_link = ""
        if shape.startswith("https://w3id.org/normgraph/shapes/"):
            name = shape.rsplit("/", 1)[-1]
            shape_link = f' <a href="{e(h("/shapes.html"))}#{e(name)}">{e(name)}</a>'
        parts.append(f"<h2>{e(message)} <span class=\"count\">{len(items)}</span></h2><p class=\"muted\">"
                     f"{e(items[0].get('severity', ''))}{shape_link}</p><ul class=\"links\">")
        for v in items[:50]:
            focus = v.get("focus", "")
            target = link(ctx, index, focus) if focus.startswith(("http://", "https://")) else f"<code>{e(focus)}</code>"
            detail = (f" — {e(v['path'])}" if v.get("path") else "") + (f" = <code>{e(v['value'])}</code>" if v.get("value") else "")
            parts.append(f"<li>{target}{detail}</li>")
        if len(items) > 50:
            parts.append(f"<li>… and {len(items) - 50} more</li>")
        parts.append("</ul>")
    return "Data quality", "".join(parts), False
