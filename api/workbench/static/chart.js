// A horizontal bar chart (inline SVG) for results with one label column and one numeric column,
// e.g. counts per publisher. A column ?x with its ?xLabel counts as one label column.

import { isNumeric, truncate } from "./terms.js";
import { columns } from "./table.js";

const SVG = "http://www.w3.org/2000/svg";
export const MAX_BARS = 100;

/** {label, labelText, value} column names when a bar chart fits the result, else null. */
export function chartSpec(vars, rows) {
  if (!rows.length) return null;
  const cols = columns(vars, true);
  const numeric = cols.filter((c) => rows.every((r) => !r[c.name] || isNumeric(r[c.name])) && rows.some((r) => r[c.name]));
  const labels = cols.filter((c) => !numeric.includes(c));
  if (numeric.length !== 1 || labels.length !== 1) return null;
  return { label: labels[0].name, labelText: labels[0].label, value: numeric[0].name };
}

export function svg(name, attrs = {}) {
  const el = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  return el;
}

function text(x, y, content, attrs = {}) {
  const el = svg("text", { x, y, ...attrs });
  el.textContent = content;
  return el;
}

/** Draw the chart into `container` (replacing what was there). */
export function renderBarChart(container, spec, rows, terms) {
  const bars = rows.slice(0, MAX_BARS).map((r) => {
    const term = r[spec.label];
    const name = spec.labelText && r[spec.labelText] ? r[spec.labelText].value
      : !term ? "(unbound)" : term.type === "uri" ? terms.shorten(term.value) : term.value;
    return { name, term, value: r[spec.value] ? Number(r[spec.value].value) : 0 };
  });
  const max = Math.max(0, ...bars.map((b) => b.value)) || 1;
  const barHeight = 22;
  const gap = 6;
  const labelWidth = 260;
  const plotWidth = 440;
  const width = labelWidth + plotWidth + 70;
  const height = bars.length * (barHeight + gap) + 30;
  const chart = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, role: "img", class: "bar-chart" });
  const title = svg("title");
  title.textContent = `?${spec.value} by ?${spec.label}`;
  chart.appendChild(title);
  bars.forEach((bar, i) => {
    const y = 10 + i * (barHeight + gap);
    const w = Math.max(1, (Math.max(bar.value, 0) / max) * plotWidth);
    const group = svg("g", { class: "bar" });
    const tip = svg("title");
    tip.textContent = `${bar.name}: ${bar.value}`;
    group.appendChild(tip);
    const label = text(labelWidth - 8, y + barHeight / 2, truncate(bar.name, 38), { "text-anchor": "end", "dominant-baseline": "middle", class: "bar-label" });
    const href = bar.term && bar.term.type === "uri" ? terms.href(bar.term.value) : null;
    if (href) {
      const a = svg("a", { href });
      a.appendChild(label);
      group.appendChild(a);
    } else {
      group.appendChild(label);
    }
    group.appendChild(svg("rect", { x: labelWidth, y, width: w, height: barHeight, rx: 2, class: "bar-rect" }));
    group.appendChild(text(labelWidth + w + 6, y + barHeight / 2, String(bar.value), { "dominant-baseline": "middle", class: "bar-value" }));
    chart.appendChild(group);
  });
  const axisY = 10 + bars.length * (barHeight + gap);
  chart.appendChild(svg("line", { x1: labelWidth, y1: 4, x2: labelWidth, y2: axisY, class: "axis" }));
  const caption = document.createElement("p");
  caption.className = "chart-caption";
  caption.textContent = `?${spec.value} for each ?${spec.label}` + (rows.length > MAX_BARS ? ` (the first ${MAX_BARS} of ${rows.length} rows)` : "");
  container.replaceChildren(caption, chart);
}
