"""The ``normgraph`` command line: build, validate, query, export, text, check-curation."""

from __future__ import annotations

import argparse
import io
import os
import sys
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

from graph import store
from graph.config import Settings
from loaders.errors import LoaderError

PREFIXES = """PREFIX ng: <https://w3id.org/normgraph/def/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
"""

SAMPLE_QUERY = PREFIXES + """SELECT ?notation ?norm_text WHERE {
  ?norm a ng:Norm ; skos:notation ?notation ; ng:normText ?norm_text .
  FILTER(STRSTARTS(STR(?norm), "https://w3id.org/normgraph/id/norm/gge-2015-13"))
} ORDER BY ?notation"""

EXPORT_FORMATS = {
    "nquads": ox.RdfFormat.N_QUADS, "trig": ox.RdfFormat.TRIG,
    "turtle": ox.RdfFormat.TURTLE, "jsonld": ox.RdfFormat.JSON_LD,
}
RESULT_FORMATS = {
    "json": ox.QueryResultsFormat.JSON, "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV, "xml": ox.QueryResultsFormat.XML,
}
RDF_SUFFIXES = {
    ".ttl": "turtle", ".nt": "nt", ".nq": "nquads", ".trig": "trig", ".jsonld": "json-ld",
    ".json": "json-ld", ".rdf": "xml", ".owl": "xml", ".xml": "xml", ".n3": "n3",
}


def settings_from(args: argparse.Namespace) -> Settings:
    return Settings.from_env(data_dir=getattr(args, "data_dir", None), base=getattr(args, "base", None))


# -- build -----------------------------------------------------------------------------------------
def cmd_build(args: argparse.Namespace) -> int:
    from graph.build import BuildFailed, build
    from graph.reason import InconsistentGraph

    settings = settings_from(args)
    try:
        result = build(settings, quiet=args.quiet, reasoning=not args.no_reasoning)
    except LoaderError as exc:
        print(f"\nbuild failed: {exc}\nnothing was published.", file=sys.stderr)
        return 1
    except BuildFailed as exc:
        print(f"\nbuild failed: {exc}", file=sys.stderr)
        if exc.report is not None:
            print(exc.report.text(), file=sys.stderr)
        return 1
    except (InconsistentGraph, store.StoreError) as exc:
        print(f"\nbuild failed: {exc}\nnothing was published.", file=sys.stderr)
        return 1
    except OSError as exc:  # the data directory cannot be created or written (permissions, full disk)
        print(f"\nbuild failed: {store.os_error_message(exc, f'writing to {settings.data_dir}')}\nnothing was published.",
              file=sys.stderr)
        return 1
    total = sum(result.manifest["graphs"].values())
    print(f"published {total} quads in {len(result.manifest['graphs'])} graphs to {result.path} "
          f"in {result.seconds:.1f} s", file=sys.stderr)
    return 0


# -- query -----------------------------------------------------------------------------------------
def _term(term: object) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.NamedNode):
        return term.value
    return str(term)


def print_table(solutions: ox.QuerySolutions, out: io.TextIOBase, max_width: int = 80) -> int:
    variables = [v.value for v in solutions.variables]
    rows = [[_term(t) for t in row] for row in solutions]
    widths = [min(max([len(v)] + [len(r[i]) for r in rows]), max_width) for i, v in enumerate(variables)]

    def cut(text: str, width: int) -> str:
        text = " ".join(text.split())
        return text if len(text) <= width else text[: width - 1] + "…"

    out.write(" | ".join(v.ljust(w) for v, w in zip(variables, widths, strict=True)) + "\n")
    out.write("-+-".join("-" * w for w in widths) + "\n")
    for row in rows:
        out.write(" | ".join(cut(c, w).ljust(w) for c, w in zip(row, widths, strict=True)) + "\n")
    out.write(f"({len(rows)} row{'s' if len(rows) != 1 else ''})\n")
    return len(rows)


def describe_syntax_error(sparql: str, message: str) -> str:
    """Oxigraph says "error at LINE:COLUMN: …"; show that line with a caret under the column."""
    import re

    out = f"query error: {message}"
    m = re.match(r"error at (\d+):(\d+)", message)
    if m:
        line, column = int(m.group(1)), int(m.group(2))
        lines = sparql.split("\n")
        if 1 <= line <= len(lines):
            out += f"\n  {line:>3} | {lines[line - 1]}\n      | {' ' * max(column - 1, 0)}^"
    return out


def run_query(settings: Settings, sparql: str, fmt: str, out: io.TextIOBase,
              substitutions: dict[ox.Variable, ox.NamedNode | ox.Literal] | None = None) -> int:
    st = store.open_current(settings.data_dir)
    try:
        result = st.query(sparql, use_default_graph_as_union=True, substitutions=substitutions or {})
    except SyntaxError as exc:
        print(describe_syntax_error(sparql, str(exc)), file=sys.stderr)
        return 2
    if isinstance(result, bool):
        out.write(("true" if result else "false") + "\n")
    elif isinstance(result, ox.QuerySolutions):
        if fmt == "table":
            print_table(result, out)
        elif fmt in RESULT_FORMATS:
            out.write(result.serialize(format=RESULT_FORMATS[fmt]).decode("utf-8"))
        else:
            print(f"--format {fmt} is for CONSTRUCT/DESCRIBE results", file=sys.stderr)
            return 2
    else:
        rdf_format = ox.RdfFormat.N_TRIPLES if fmt == "ntriples" else ox.RdfFormat.TURTLE
        out.write(result.serialize(format=rdf_format).decode("utf-8"))
    return 0


def _ready_made_bindings(path: Path, given: list[str]) -> dict[ox.Variable, ox.NamedNode | ox.Literal]:
    """The parameters of a ready-made query file (its ``#+ params`` header), bound as the API binds
    them: each ``--param name=value`` given, else the parameter's default. Raises ValueError."""
    from graph.catalogue import bind, load_query

    values: dict[str, object] = {}
    for item in given:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise ValueError(f"--param {item!r}: write it as NAME=VALUE")
        values[name.strip()] = value
    if not path.read_text(encoding="utf-8").startswith("#+"):
        if values:
            raise ValueError(f"{path} has no '#+ params' header, so --param has nothing to bind")
        return {}
    return bind(load_query(path), values)  # type: ignore[return-value]


def cmd_query(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    substitutions: dict[ox.Variable, ox.NamedNode | ox.Literal] = {}
    if args.param and not args.file:
        print("--param binds the parameters of a ready-made query: give it with --file queries/NAME.rq", file=sys.stderr)
        return 2
    if args.file:
        sparql = Path(args.file).read_text(encoding="utf-8")
        try:
            substitutions = _ready_made_bindings(Path(args.file), args.param or [])
        except ValueError as exc:
            print(exc, file=sys.stderr)
            return 2
    elif args.sparql == "-":
        sparql = sys.stdin.read()
    elif args.sparql:
        sparql = args.sparql
    else:
        print("give a query, '-' for standard input, or --file FILE", file=sys.stderr)
        return 2
    try:
        return run_query(settings, sparql, args.format, sys.stdout, substitutions)
    except store.NoDataset as exc:
        print(exc, file=sys.stderr)
        return 1


# -- export ----------------------------------------------------------------------------------------
def cmd_export(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    try:
        st = store.open_current(settings.data_dir)
    except store.NoDataset as exc:
        print(exc, file=sys.stderr)
        return 1
    fmt = EXPORT_FORMATS[args.format]
    data = _merged_turtle(st) if fmt == ox.RdfFormat.TURTLE else st.dump(format=fmt)
    if args.output:
        Path(args.output).write_bytes(data)
        print(f"wrote {len(data)} bytes to {args.output}", file=sys.stderr)
    else:
        sys.stdout.buffer.write(data)
    return 0


def _merged_turtle(st: ox.Store) -> bytes:
    """Turtle has no graphs: the union of all named graphs."""
    result = st.query("CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } }")
    return result.serialize(format=ox.RdfFormat.TURTLE)


# -- validate --------------------------------------------------------------------------------------
def cmd_validate(args: argparse.Namespace) -> int:
    from graph.build import ontology_graphs
    from graph.validate import validate
    from loaders.namespaces import Iris

    settings = settings_from(args)
    ontology, vocabulary = ontology_graphs(Iris(settings.base))
    data = Graph()
    if args.files:
        for name in args.files:
            path = Path(name)
            fmt = RDF_SUFFIXES.get(path.suffix.lower())
            if fmt is None:
                print(f"{path}: unknown RDF file type (use one of {', '.join(sorted(RDF_SUFFIXES))})", file=sys.stderr)
                return 2
            try:
                if fmt in ("nquads", "trig"):
                    from rdflib import Dataset

                    ds = Dataset()
                    ds.parse(path, format=fmt)
                    for s, p, o, _ in ds.quads():
                        data.add((s, p, o))
                else:
                    data.parse(path, format=fmt)
            except Exception as exc:  # rdflib raises many types; all mean "cannot parse"
                print(f"{path}: cannot parse as {fmt}: {exc}", file=sys.stderr)
                return 2
        data += vocabulary
    else:
        try:
            st = store.open_current(settings.data_dir)
        except store.NoDataset as exc:
            print(exc, file=sys.stderr)
            return 1
        base = settings.base + "graph/"
        dump = st.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH ?g {{ ?s ?p ?o }} "
            f"FILTER(?g NOT IN (<{base}inferred>, <{base}metadata>)) }}"
        ).serialize(format=ox.RdfFormat.N_TRIPLES)
        data.parse(data=dump, format="nt")
    report = validate(data, ontology + vocabulary, iris=Iris(settings.base))
    print(report.text(limit_per_message=args.limit))
    return 0 if report.conforms else 1


# -- text, check-curation --------------------------------------------------------------------------
def cmd_text(args: argparse.Namespace) -> int:
    from loaders import print_text

    return print_text.main(args.documents)


def cmd_check(args: argparse.Namespace) -> int:
    from graph.consistency import check

    settings = settings_from(args)
    report = check(settings.data_dir, settings.base, shacl=not args.no_shacl)
    print(report.text())
    return 0 if report.ok else 1


def cmd_check_curation(args: argparse.Namespace) -> int:
    from loaders import check_curation

    return check_curation.main(args.files)


# -- load ------------------------------------------------------------------------------------------
def cmd_load(args: argparse.Namespace) -> int:
    from graph.bulk_load import LoadError, load, summary

    settings = settings_from(args)
    try:
        result = load(settings, [Path(f) for f in args.files], graph=args.graph, fmt=args.format, replace=args.replace,
                      validate=args.validate, base_iri=args.base_iri, progress_every=args.progress_seconds)
    except LoadError as exc:
        print(f"load failed: {exc}", file=sys.stderr)
        if exc.report is not None:
            print(exc.report.text(), file=sys.stderr)  # type: ignore[attr-defined]
        print("nothing was published; the dataset is unchanged.", file=sys.stderr)
        return 1
    except store.StoreError as exc:
        print(f"load failed: {exc}\nnothing was published; the dataset is unchanged.", file=sys.stderr)
        return 1
    print(summary(result), file=sys.stderr)
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="normgraph",
        description="A linked-data knowledge graph of responsible behaviour in cyberspace.",
    )
    sub = p.add_subparsers(dest="command", required=True)

    def common(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--data-dir", help="where built stores live (default: ./var or $NORMGRAPH_DATA_DIR)")

    b = sub.add_parser("build", help="build and publish the graph from the bundled documents",
                       description="Parse the documents, apply curation, validate with SHACL, reason with "
                       "HermiT and publish atomically into the embedded store. On any error nothing is "
                       "published and the previous dataset stays served.")
    common(b)
    b.add_argument("--base", help="IRI base (default https://w3id.org/normgraph/ or $NORMGRAPH_BASE)")
    b.add_argument("--quiet", action="store_true", help="no progress output")
    b.add_argument("--no-reasoning", action="store_true", help="skip HermiT (the inferred graph is empty)")
    b.set_defaults(func=cmd_build)

    q = sub.add_parser("query", help="run a SPARQL query on the published dataset",
                       description="Run a SPARQL 1.1 query. The default graph is the union of all named "
                       "graphs (asserted and inferred). Prints a table unless --format says otherwise.")
    common(q)
    q.add_argument("sparql", nargs="?", help="the query text, or '-' to read standard input")
    q.add_argument("--file", help="read the query from a file; a ready-made query (queries/*.rq) gets its "
                   "parameters' defaults bound, as the API does")
    q.add_argument("--param", action="append", metavar="NAME=VALUE",
                   help="bind a parameter of the ready-made query given by --file (repeatable)")
    q.add_argument("--format", default="table", choices=["table", "json", "csv", "tsv", "xml", "turtle", "ntriples"])
    q.set_defaults(func=cmd_query)

    e = sub.add_parser("export", help="write the whole published dataset",
                       description="Write every named graph of the published dataset (N-Quads by default; "
                       "Turtle gives the union of the graphs).")
    common(e)
    e.add_argument("--format", default="nquads", choices=sorted(EXPORT_FORMATS))
    e.add_argument("-o", "--output", help="file to write (default: standard output)")
    e.set_defaults(func=cmd_export)

    v = sub.add_parser("validate", help="check RDF against the SHACL shapes",
                       description="Validate the published dataset (asserted graphs), or the given RDF "
                       "files (e.g. a partner's data), against shapes/normgraph-shapes.ttl.")
    common(v)
    v.add_argument("files", nargs="*", help="RDF files (.ttl .nt .nq .trig .jsonld .rdf)")
    v.add_argument("--limit", type=int, default=5, help="examples shown per rule (default 5)")
    v.set_defaults(func=cmd_validate)

    t = sub.add_parser("text", help="print documents' normalised text (what quotes and offsets refer to)")
    t.add_argument("documents", nargs="*", help="document slugs or file names (default: all)")
    t.set_defaults(func=cmd_text)

    ck = sub.add_parser("check", help="check that the published dataset is complete and valid (after a crash)",
                        description="Check the published dataset: the store opens, every named graph holds the "
                        "triples its manifest records, and the asserted graphs conform to the SHACL shapes. "
                        "Exit 0 if consistent, 1 if not.")
    common(ck)
    ck.add_argument("--no-shacl", action="store_true", help="skip the SHACL validation (a few seconds on the full graph)")
    ck.set_defaults(func=cmd_check)

    c = sub.add_parser("check-curation", help="check curation files' quotes against the documents")
    c.add_argument("files", nargs="*", help="curation YAML files (default: all)")
    c.set_defaults(func=cmd_check_curation)

    ld = sub.add_parser("load", help="bulk-load RDF files into named graphs and publish atomically",
                        description="Load N-Quads, TriG, Turtle, N-Triples or JSON-LD files into a copy of the "
                        "published dataset and publish it atomically. Quads keep their graph; triples go into --graph "
                        "or <base>graph/loaded/<file name>. On any error (e.g. file:line:column of a syntax error) "
                        "nothing is published. See docs/scaling.md.")
    common(ld)
    ld.add_argument("files", nargs="+", help="RDF files (.nq .trig .ttl .nt .jsonld .rdf)")
    ld.add_argument("--graph", help="graph IRI for triples (default: <base>graph/loaded/<file name>)")
    ld.add_argument("--format", choices=["nquads", "trig", "turtle", "ntriples", "jsonld", "rdfxml"],
                    help="the format of every file (default: from each file's extension)")
    ld.add_argument("--replace", action="store_true", help="empty each graph the files write into first (default: merge)")
    ld.add_argument("--validate", action="store_true", help="check the result with the SHACL shapes; publish only if it conforms")
    ld.add_argument("--base-iri", help="base IRI for relative IRIs in the files")
    ld.add_argument("--progress-seconds", type=float, default=5.0, help="a progress line every N seconds (default 5)")
    ld.set_defaults(func=cmd_load)

    sv = sub.add_parser("serve", help="serve the SPARQL endpoint (builds the graph first if none is published)",
                        description="Serve the SPARQL 1.1 endpoint (/sparql), the Graph Store (/store) and the "
                        "pages. On a fresh machine the graph is built from the bundled documents first. Limits, "
                        "token and allowlist come from NORMGRAPH_* variables (see the README).")
    common(sv)
    sv.add_argument("--host", default="127.0.0.1")
    sv.add_argument("--port", type=int, default=8000)
    sv.add_argument("--empty", action="store_true", help="if nothing is published, serve an empty dataset instead of building")
    sv.add_argument("--log-level", default="info", help="info logs every request (access log); warning only problems")
    sv.add_argument("--log-format", choices=["text", "json"], default=os.environ.get("NORMGRAPH_LOG_FORMAT", "text"),
                    help="json: one JSON object per line (access log, slow-query log, errors) on stderr")
    sv.set_defaults(func=cmd_serve)

    s = sub.add_parser("sample", help="build if needed, then show the eleven GGE norms (a first look)")
    common(s)
    s.set_defaults(func=cmd_sample)
    return p


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api import logs
    from api.app import create_app

    if args.log_format not in logs.FORMATS:  # argparse checks --log-format, not the NORMGRAPH_LOG_FORMAT default
        print(f"normgraph serve: NORMGRAPH_LOG_FORMAT must be one of {', '.join(logs.FORMATS)}, not {args.log_format!r}",
              file=sys.stderr)
        return 2
    settings = settings_from(args)
    if store.current_path(settings.data_dir) is None:
        if args.empty:
            store.publish_empty(settings.data_dir)
        else:
            args.quiet = False
            args.no_reasoning = False
            args.base = None
            if cmd_build(args) != 0:
                return 1
    import signal

    # On SIGTERM (or Ctrl+C) uvicorn closes its listening socket, gives in-flight requests
    # shutdown_grace seconds, runs the app's shutdown (which stops the workers), and then re-raises
    # the signal to the handler that was there before it: this one makes that a clean exit 0 (the
    # default handler would kill the process with the signal after everything was done properly).
    def stopped(signum: int, frame: object) -> None:
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stopped)
    signal.signal(signal.SIGINT, stopped)
    print(logs.line(args.log_format, f"serving http://{args.host}:{args.port}/sparql (data: {settings.data_dir})"),
          file=sys.stderr)
    uvicorn.run(create_app(settings), host=args.host, port=args.port, log_level=args.log_level,
                log_config=logs.uvicorn_config(args.log_format, args.log_level), access_log=False,
                timeout_graceful_shutdown=settings.shutdown_grace)
    return 0


def cmd_sample(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    if store.current_path(settings.data_dir) is None:
        args.quiet = False
        args.no_reasoning = False
        args.base = None
        if cmd_build(args) != 0:
            return 1
    return run_query(settings, SAMPLE_QUERY, "table", sys.stdout)


def main(argv: list[str] | None = None) -> int:
    from graph.config import SettingsError

    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except SettingsError as exc:
        print(f"normgraph: configuration error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    raise SystemExit(main())
