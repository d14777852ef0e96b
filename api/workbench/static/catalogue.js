// The ready-made queries (GET api/queries) as examples: a <select> grouped by tag, and a note
// with the chosen question's description and parameters.

import { withParams } from "./sparql-text.js";

export async function loadCatalogue(select, info, onChoose) {
  let entries = [];
  try {
    const response = await fetch("api/queries", { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`status ${response.status}`);
    entries = (await response.json()).queries || [];
  } catch (err) {
    select.replaceChildren(option("", `The catalogue could not be loaded (${err.message})`));
    return [];
  }
  const groups = new Map();
  for (const entry of entries) {
    const tag = (entry.tags && entry.tags[0]) || "other";
    if (!groups.has(tag)) groups.set(tag, []);
    groups.get(tag).push(entry);
  }
  const children = [option("", `Choose one of ${entries.length} ready-made questions…`)];
  for (const tag of [...groups.keys()].sort()) {
    const group = document.createElement("optgroup");
    group.setAttribute("label", tag);
    for (const entry of groups.get(tag)) group.appendChild(option(entry.name, entry.summary));
    children.push(group);
  }
  select.replaceChildren(...children);
  select.disabled = false;
  const byName = new Map(entries.map((e) => [e.name, e]));
  select.addEventListener("change", () => {
    const entry = byName.get(select.value);
    if (!entry) {
      info.hidden = true;
      return;
    }
    showInfo(info, entry);
    onChoose(entry, withParams(entry));
  });
  return entries;
}

function option(value, label) {
  const el = document.createElement("option");
  el.value = value;
  el.textContent = label;
  return el;
}

function showInfo(info, entry) {
  info.querySelector("#example-description").textContent = entry.description;
  const params = entry.params || [];
  info.querySelector("#example-params").textContent = params.length
    ? "Parameters (bound by the BIND lines at the top of WHERE; edit them there): "
      + params.map((p) => `?${p.name} (${p.type}, default ${p.default ?? "none"}${p.enum ? `; one of ${p.enum.join(", ")}` : ""})`).join("; ")
    : "No parameters.";
  info.querySelector("#example-api").setAttribute("href", "api/queries/" + encodeURIComponent(entry.name) + "?format=html");
  info.hidden = false;
}
