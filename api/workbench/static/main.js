// The workbench page: editor, examples, running a query, the result views, errors, sharing.

import { loadCatalogue } from "./catalogue.js";
import { chartSpec, renderBarChart } from "./chart.js";
import { renderDiagram } from "./diagram.js";
import { GRAPH_FORMATS, SELECT_FORMATS, ask, downloadButtons } from "./download.js";
import { Editor } from "./editor.js";
import { parseNTriples } from "./ntriples.js";
import { declaredPrefixes, errorPosition, missingPrefixLines } from "./sparql-text.js";
import { ResultTable } from "./table.js";
import { Terms } from "./terms.js";

const RUN_ACCEPT = "application/sparql-results+json, application/n-triples;q=0.9";
const $ = (id) => document.getElementById(id);

const config = document.body.dataset;
const knownPrefixes = JSON.parse(config.prefixes || "{}");
const terms = new Terms(JSON.parse(config.local || "[]"), knownPrefixes);
const editor = new Editor($("query"), $("highlight"), $("gutter"));
const table = new ResultTable($("result-table"), $("pager"), $("page-info"), $("page-prev"), $("page-next"), terms);
const state = { controller: null, result: null, basename: "normgraph-result" };

function setStatus(kind, message) {
  const status = $("status");
  status.dataset.state = kind;
  status.textContent = message;
}

function showError(title, message, position) {
  $("error-title").textContent = title;
  const box = $("error-message");
  box.textContent = message.trim();
  if (position) {
    const line = editor.value.split("\n")[position.line - 1] ?? "";
    const gutter = String(position.line).padStart(4) + " | ";
    box.textContent += `\n\n${gutter}${line}\n${" ".repeat(gutter.length - 2)}| ${" ".repeat(position.column - 1)}^`;
  }
  $("error").hidden = false;
}

function hideError() {
  $("error").hidden = true;
  editor.clearError();
}

function selectTab(name) {
  for (const tab of ["table", "chart", "diagram"]) {
    const selected = tab === name;
    $("tab-" + tab).setAttribute("aria-selected", String(selected));
    $("view-" + tab).hidden = !selected;
  }
}

function shareUrl(query) {
  const url = new URL("workbench", document.baseURI);
  url.searchParams.set("query", query);
  if (!$("inferred").checked) url.searchParams.set("inferred", "false");
  return url.href;
}

function rememberInUrl(query) {
  try {
    history.replaceState(null, "", shareUrl(query));
  } catch {
    // a very long query may not fit in the address bar; the Share button still shows it
  }
}

async function run() {
  const query = editor.value;
  if (!query.trim()) return;
  if (state.controller) state.controller.abort();
  const controller = new AbortController();
  state.controller = controller;
  hideError();
  $("run").disabled = true;
  setStatus("running", "Running…");
  $("results").hidden = false;
  const inferred = $("inferred").checked;
  const started = performance.now();
  try {
    const response = await ask(query, RUN_ACCEPT, inferred, controller.signal);
    const body = await response.text();
    const elapsed = performance.now() - started;
    rememberInUrl(query);
    if (!response.ok) {
      failed(response.status, body);
      return;
    }
    terms.prefixes = { ...knownPrefixes, ...declaredPrefixes(query) };
    const type = (response.headers.get("content-type") || "").split(";")[0].trim();
    const truncated = response.headers.get("x-result-truncated") === "true";
    const cap = response.headers.get("x-row-cap");
    state.result = { query, inferred, ...(type === "application/n-triples" ? graphResult(body) : tableResult(body)) };
    show(state.result, elapsed, truncated ? cap : null);
  } catch (err) {
    if (err.name === "AbortError") return;
    setStatus("error", "Failed");
    showError("The query could not be run", err.message);
  } finally {
    if (state.controller === controller) {
      state.controller = null;
      $("run").disabled = false;
    }
  }
}

function failed(status, body) {
  setStatus("error", `Error ${status}`);
  const position = status === 400 ? errorPosition(body) : null;
  if (position) {
    const at = editor.markError(position.line, position.column);
    showError(`Syntax error at line ${at.line}, column ${at.column}`, body, at);
  } else {
    const title = status === 503 ? "The endpoint is busy or the query ran out of time" : `The endpoint answered ${status}`;
    showError(title, body);
  }
  $("results").hidden = true;
}

function tableResult(body) {
  const data = JSON.parse(body);
  if (typeof data.boolean === "boolean") {
    return { kind: "ask", vars: ["result"], rows: [{ result: { type: "literal", value: String(data.boolean) } }] };
  }
  return { kind: "select", vars: data.head.vars, rows: data.results.bindings };
}

function graphResult(body) {
  const triples = parseNTriples(body);
  return { kind: "graph", triples, vars: ["subject", "predicate", "object"], rows: triples.map((t) => ({ subject: t.s, predicate: t.p, object: t.o })) };
}

function show(result, elapsed, cappedAt) {
  const count = result.kind === "ask" ? `ASK: ${result.rows[0].result.value}`
    : result.kind === "graph" ? `${result.rows.length} triple${result.rows.length === 1 ? "" : "s"}`
    : `${result.rows.length} row${result.rows.length === 1 ? "" : "s"}`;
  const cut = cappedAt ? ` · cut at the endpoint's limit of ${cappedAt}` : "";
  setStatus("done", `${count} in ${elapsed.toFixed(0)} ms${cut}`);
  $("status").dataset.rows = String(result.rows.length);
  $("status").dataset.ms = elapsed.toFixed(1);
  table.show(result.vars, result.rows, $("labels").checked);
  downloadButtons($("downloads"), result.kind === "graph" ? GRAPH_FORMATS : result.kind === "ask" ? SELECT_FORMATS.slice(2) : SELECT_FORMATS,
    () => ({ query: result.query, inferred: result.inferred, basename: state.basename }), showError);
  const spec = result.kind === "select" ? chartSpec(result.vars, result.rows) : null;
  $("tab-chart").hidden = !spec;
  $("view-chart").replaceChildren();
  if (spec) renderBarChart($("view-chart"), spec, result.rows, terms);
  const diagram = result.kind === "graph" && result.triples.length > 0;
  $("tab-diagram").hidden = !diagram;
  $("view-diagram").replaceChildren();
  if (diagram) renderDiagram($("view-diagram"), result.triples, terms);
  selectTab(diagram ? "diagram" : "table");
}

async function share() {
  const url = shareUrl(editor.value);
  history.replaceState(null, "", url);
  $("share-line").hidden = false;
  $("share-url").value = url;
  $("share-url").select();
  try {
    await navigator.clipboard.writeText(url);
    $("share").textContent = "Link copied";
  } catch {
    $("share").textContent = "Copy the link below";
  }
}

function addPrefixes() {
  const lines = missingPrefixLines(editor.value, knownPrefixes);
  if (lines.length) editor.value = lines.join("\n") + "\n" + editor.value;
}

function wire() {
  $("run").addEventListener("click", run);
  $("share").addEventListener("click", share);
  $("add-prefixes").addEventListener("click", addPrefixes);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      run();
    }
  });
  for (const tab of ["table", "chart", "diagram"]) $("tab-" + tab).addEventListener("click", () => selectTab(tab));
  $("labels").addEventListener("change", () => {
    table.setLabels($("labels").checked);
  });
  const params = new URLSearchParams(location.search);
  if (params.get("inferred") === "false") $("inferred").checked = false;
  loadCatalogue($("examples"), $("example-info"), (entry, text) => {
    editor.value = text;
    state.basename = entry.name;
    hideError();
  }).then(() => {
    document.body.dataset.ready = "true";
  });
  if (config.autorun === "true") run();
}

wire();
