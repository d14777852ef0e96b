// RDF terms in the page: where an IRI links to, how it is shortened, how a term is shown.
// Every value goes into the DOM through textContent or setAttribute, never as markup.

const XSD = "http://www.w3.org/2001/XMLSchema#";
const NUMERIC = new Set(["integer", "decimal", "double", "float", "int", "long", "short", "byte", "nonNegativeInteger",
  "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong", "unsignedShort", "unsignedByte"]
  .map((t) => XSD + t));

export class Terms {
  /**
   * @param {Array<[string, string]>} local namespaces this server dereferences, with their paths
   * @param {Object<string, string>} prefixes prefix → namespace, for shortening IRIs
   */
  constructor(local, prefixes) {
    this.local = local;
    this.prefixes = prefixes;
  }

  /** The URL a link to this IRI opens: this server's page for its own IRIs, the IRI itself for
   * other http(s) IRIs, null for anything else (no javascript:, data: … links). */
  href(iri) {
    for (const [namespace, path] of this.local) {
      if (iri.startsWith(namespace)) return new URL(path + iri.slice(namespace.length), document.baseURI).href;
    }
    return /^https?:\/\//i.test(iri) ? iri : null;
  }

  isLocal(iri) {
    return this.local.some(([namespace]) => iri.startsWith(namespace));
  }

  shorten(iri) {
    let best = null;
    for (const [name, namespace] of Object.entries(this.prefixes)) {
      if (namespace && iri.startsWith(namespace) && (!best || namespace.length > best[1].length)) {
        const rest = iri.slice(namespace.length);
        if (/^[\w\-.%/]*$/.test(rest)) best = [name, namespace];
      }
    }
    return best ? `${best[0]}:${iri.slice(best[1].length)}` : iri;
  }

  /** A node showing a term; `label` (optional) replaces the IRI as the link text. */
  node(term, label) {
    if (!term) return document.createTextNode("");
    if (term.type === "uri") return this.link(term.value, label);
    if (term.type === "bnode") {
      const span = document.createElement("span");
      span.className = "bnode";
      span.textContent = "_:" + term.value;
      return span;
    }
    const span = document.createElement("span");
    span.className = "literal";
    span.textContent = term.value;
    const suffix = term["xml:lang"] ? "@" + term["xml:lang"] : term.datatype && !isNumeric(term) ? "^^" + this.shorten(term.datatype) : "";
    if (suffix) {
      const small = document.createElement("span");
      small.className = "term-suffix";
      small.textContent = suffix;
      span.appendChild(small);
    }
    return span;
  }

  link(iri, label) {
    const href = this.href(iri);
    const el = document.createElement(href ? "a" : "span");
    el.className = "iri";
    el.textContent = label || this.shorten(iri);
    el.setAttribute("title", iri);
    if (href) {
      el.setAttribute("href", href);
      if (!this.isLocal(iri)) {
        el.setAttribute("rel", "noopener noreferrer external");
        el.classList.add("external");
      }
    }
    return el;
  }
}

export function isNumeric(term) {
  return !!term && term.type === "literal" && NUMERIC.has(term.datatype || "") && term.value.trim() !== "" && !Number.isNaN(Number(term.value));
}

export function truncate(text, n) {
  return text.length <= n ? text : text.slice(0, n - 1) + "…";
}
