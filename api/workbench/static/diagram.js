// A node-link diagram (inline SVG) of CONSTRUCT/DESCRIBE results: resources and values as nodes,
// triples as arrows, laid out by a small force-directed simulation (deterministic: the same
// triples give the same picture). rdfs:label / skos:prefLabel / dcterms:title name the nodes.

import { svg } from "./chart.js";
import { truncate } from "./terms.js";

export const MAX_NODES = 150;
const LABELS = new Set([
  "http://www.w3.org/2000/01/rdf-schema#label", "http://www.w3.org/2004/02/skos/core#prefLabel",
  "http://purl.org/dc/terms/title", "http://xmlns.com/foaf/0.1/name",
]);

function key(term) {
  if (term.type === "literal") return `L${term.value}@${term["xml:lang"] || ""}^${term.datatype || ""}`;
  return (term.type === "bnode" ? "B" : "U") + term.value;
}

/** Nodes and edges of the diagram (at most MAX_NODES nodes). */
export function graphOf(triples, terms) {
  const nodes = new Map();
  const labels = new Map();
  for (const t of triples) {
    if (LABELS.has(t.p.value) && t.o.type === "literal" && !labels.has(key(t.s))) labels.set(key(t.s), t.o.value);
  }
  let dropped = 0;
  const add = (term) => {
    const k = key(term);
    if (!nodes.has(k)) {
      if (nodes.size >= MAX_NODES) {
        dropped += 1;
        return null;
      }
      const name = labels.get(k) || (term.type === "uri" ? terms.shorten(term.value) : term.type === "bnode" ? "_:" + term.value : term.value);
      nodes.set(k, { id: nodes.size, term, name, x: 0, y: 0, vx: 0, vy: 0 });
    }
    return nodes.get(k);
  };
  const edges = [];
  for (const t of triples) {
    if (LABELS.has(t.p.value) && t.o.type === "literal") {
      add(t.s);
      continue;
    }
    const s = add(t.s);
    const o = add(t.o);
    if (s && o) edges.push({ source: s, target: o, predicate: t.p.value });
  }
  return { nodes: [...nodes.values()], edges, dropped };
}

/**
 * A force simulation: every pair of nodes repels, every link is a spring, a weak pull keeps
 * the parts together; positions start on a spiral and cool down over `iterations` steps.
 */
export function layout(nodes, edges, iterations = 300) {
  const REST = 110;
  const REPULSION = 20000;
  const SPRING = 0.08;
  const GRAVITY = 0.012;
  nodes.forEach((node, i) => {
    const radius = 12 * Math.sqrt(i + 0.5);
    const angle = i * Math.PI * (3 - Math.sqrt(5));
    node.x = radius * Math.cos(angle);
    node.y = radius * Math.sin(angle);
    node.vx = 0;
    node.vy = 0;
  });
  for (let step = 0; step < iterations; step++) {
    const alpha = 1 - step / iterations;
    for (let i = 0; i < nodes.length; i++) {
      const a = nodes[i];
      for (let j = i + 1; j < nodes.length; j++) {
        const b = nodes[j];
        let dx = a.x - b.x;
        let dy = a.y - b.y;
        if (dx === 0 && dy === 0) {
          dx = 0.1 * (i - j);
          dy = 0.1;
        }
        const d2 = Math.max(dx * dx + dy * dy, 25);
        const d = Math.sqrt(d2);
        const f = (REPULSION / d2) * alpha;
        a.vx += (dx / d) * f;
        a.vy += (dy / d) * f;
        b.vx -= (dx / d) * f;
        b.vy -= (dy / d) * f;
      }
    }
    for (const e of edges) {
      if (e.source === e.target) continue;
      const dx = e.target.x - e.source.x;
      const dy = e.target.y - e.source.y;
      const d = Math.max(Math.hypot(dx, dy), 0.1);
      const f = (d - REST) * SPRING * alpha;
      e.source.vx += (dx / d) * f;
      e.source.vy += (dy / d) * f;
      e.target.vx -= (dx / d) * f;
      e.target.vy -= (dy / d) * f;
    }
    for (const node of nodes) {
      node.vx = (node.vx - node.x * GRAVITY * alpha) * 0.6;
      node.vy = (node.vy - node.y * GRAVITY * alpha) * 0.6;
      node.x += node.vx;
      node.y += node.vy;
    }
  }
  const xs = nodes.map((n) => n.x);
  const ys = nodes.map((n) => n.y);
  return { minX: Math.min(0, ...xs), maxX: Math.max(0, ...xs), minY: Math.min(0, ...ys), maxY: Math.max(0, ...ys) };
}

/** Draw the diagram of `triples` into `container`. */
export function renderDiagram(container, triples, terms) {
  const { nodes, edges, dropped } = graphOf(triples, terms);
  const box = layout(nodes, edges);
  // the picture is the bounding box of the nodes, with room for the labels on the right
  const x0 = Math.floor(box.minX - 30);
  const y0 = Math.floor(box.minY - 30);
  const width = Math.ceil(box.maxX - box.minX + 230);
  const height = Math.ceil(box.maxY - box.minY + 60);
  const root = svg("svg", { viewBox: `${x0} ${y0} ${width} ${height}`, width, height, role: "img", class: "diagram" });
  const title = svg("title");
  title.textContent = `${nodes.length} nodes and ${edges.length} links`;
  root.appendChild(title);
  const defs = svg("defs");
  const marker = svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 18, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" });
  marker.appendChild(svg("path", { d: "M 0 0 L 10 5 L 0 10 z", class: "arrow-head" }));
  defs.appendChild(marker);
  root.appendChild(defs);
  const edgeLayer = svg("g", { class: "edges" });
  for (const e of edges) {
    const line = svg("line", { x1: e.source.x, y1: e.source.y, x2: e.target.x, y2: e.target.y, class: "edge", "marker-end": "url(#arrow)" });
    const tip = svg("title");
    tip.textContent = `${e.source.name} — ${terms.shorten(e.predicate)} → ${e.target.name}`;
    line.appendChild(tip);
    edgeLayer.appendChild(line);
  }
  root.appendChild(edgeLayer);
  const nodeLayer = svg("g", { class: "nodes" });
  for (const node of nodes) {
    const group = svg("g", { class: "node node-" + node.term.type, transform: `translate(${node.x.toFixed(1)},${node.y.toFixed(1)})` });
    const tip = svg("title");
    tip.textContent = node.term.type === "uri" ? `${node.name}\n${node.term.value}` : node.name;
    group.appendChild(tip);
    group.appendChild(node.term.type === "literal" ? svg("rect", { x: -5, y: -5, width: 10, height: 10 }) : svg("circle", { r: 7 }));
    const label = svg("text", { x: 10, y: 4 });
    label.textContent = truncate(node.name, 28);
    const href = node.term.type === "uri" ? terms.href(node.term.value) : null;
    if (href) {
      const a = svg("a", { href });
      a.appendChild(label);
      group.appendChild(a);
    } else {
      group.appendChild(label);
    }
    nodeLayer.appendChild(group);
  }
  root.appendChild(nodeLayer);
  const caption = document.createElement("p");
  caption.className = "chart-caption";
  caption.textContent = `${nodes.length} nodes, ${edges.length} links` + (dropped ? ` (the diagram stops at ${MAX_NODES} nodes; the table has every triple)` : "")
    + ". Hover a node or a link for its IRI or property.";
  container.replaceChildren(caption, root);
}
