// Downloads: the last query is sent again with the format's Accept header, and the answer is
// saved through a Blob link (nothing leaves this server).

export const SELECT_FORMATS = [
  { name: "CSV", accept: "text/csv", ext: "csv" },
  { name: "TSV", accept: "text/tab-separated-values", ext: "tsv" },
  { name: "JSON", accept: "application/sparql-results+json", ext: "json" },
];
export const GRAPH_FORMATS = [
  { name: "Turtle", accept: "text/turtle", ext: "ttl" },
  { name: "JSON-LD", accept: "application/ld+json", ext: "jsonld" },
  { name: "N-Triples", accept: "application/n-triples", ext: "nt" },
];

/** POST the query to the endpoint; resolves to the Response (whatever its status). */
export function ask(query, accept, inferred, signal) {
  const body = new URLSearchParams({ query });
  if (!inferred) body.set("inferred", "false");
  return fetch("sparql", {
    method: "POST", body, signal,
    headers: { Accept: accept, "Content-Type": "application/x-www-form-urlencoded;charset=UTF-8" },
  });
}

export function saveBlob(blob, filename) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.setAttribute("href", url);
  a.setAttribute("download", filename);
  a.hidden = true;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Buttons for `formats` in `container`; each fetches and saves the result of `current()`. */
export function downloadButtons(container, formats, current, onError) {
  const buttons = formats.map((format) => {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "download";
    button.dataset.format = format.ext;
    button.textContent = format.name;
    button.setAttribute("title", `Download the result as ${format.name} (${format.accept})`);
    button.addEventListener("click", async () => {
      const { query, inferred, basename } = current();
      button.disabled = true;
      try {
        const response = await ask(query, format.accept, inferred);
        const blob = await response.blob();
        if (!response.ok) throw new Error(`${response.status}: ${(await blob.text()).trim()}`);
        saveBlob(blob, `${basename}.${format.ext}`);
        container.dataset.lastDownload = `${basename}.${format.ext}`;
      } catch (err) {
        onError(`The ${format.name} download failed`, err.message);
      } finally {
        button.disabled = false;
      }
    });
    return button;
  });
  const label = document.createElement("span");
  label.className = "downloads-label";
  label.textContent = "Download:";
  container.replaceChildren(label, ...buttons);
}
