// N-Triples → [{s, p, o}], each term shaped like a SPARQL JSON term ({type: "uri" | "bnode" |
// "literal", value, "xml:lang"?, datatype?}) so that the result table renders both alike.

const ESCAPES = { t: "\t", b: "\b", n: "\n", r: "\r", f: "\f", '"': '"', "'": "'", "\\": "\\" };

function unescape(text) {
  return text.replace(/\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))/g, (_, u4, u8, c) => {
    if (u4 || u8) return String.fromCodePoint(parseInt(u4 || u8, 16));
    return ESCAPES[c] ?? c;
  });
}

const TERM = /\s*(?:<([^>]*)>|_:(\S+?)(?=[\s.]|$)|"((?:[^"\\]|\\.)*)"(?:@([A-Za-z]+(?:-[A-Za-z0-9]+)*)|\^\^<([^>]*)>)?)/y;

function readTerm(line, state) {
  TERM.lastIndex = state.pos;
  const m = TERM.exec(line);
  if (!m) throw new Error(`cannot read a term at column ${state.pos + 1}`);
  state.pos = TERM.lastIndex;
  if (m[1] !== undefined) return { type: "uri", value: unescape(m[1]) };
  if (m[2] !== undefined) return { type: "bnode", value: m[2] };
  const term = { type: "literal", value: unescape(m[3]) };
  if (m[4]) term["xml:lang"] = m[4];
  else if (m[5] && m[5] !== "http://www.w3.org/2001/XMLSchema#string") term.datatype = unescape(m[5]);
  return term;
}

/** Parse N-Triples; a line that cannot be read raises an Error naming the line. */
export function parseNTriples(text) {
  const triples = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith("#")) return;
    const state = { pos: 0 };
    try {
      const s = readTerm(line, state);
      const p = readTerm(line, state);
      const o = readTerm(line, state);
      if (!/^\s*\.\s*(#.*)?$/.test(line.slice(state.pos))) throw new Error("expected '.' at the end of the triple");
      triples.push({ s, p, o });
    } catch (err) {
      throw new Error(`N-Triples line ${i + 1}: ${err.message}`);
    }
  });
  return triples;
}
