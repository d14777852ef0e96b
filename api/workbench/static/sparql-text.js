// SPARQL text: a tokenizer for highlighting, the PREFIX declarations of a query, and the
// readable form of a ready-made query with its parameters bound by BIND lines.

const KEYWORDS = new Set((
  "BASE PREFIX SELECT DISTINCT REDUCED AS CONSTRUCT WHERE DESCRIBE ASK FROM NAMED GROUP BY HAVING ORDER ASC DESC " +
  "LIMIT OFFSET VALUES LOAD SILENT INTO CLEAR DROP CREATE ADD MOVE COPY INSERT DELETE DATA WITH USING DEFAULT ALL " +
  "GRAPH OPTIONAL SERVICE BIND UNDEF MINUS UNION FILTER NOT IN EXISTS LATERAL A " +
  "STR LANG LANGMATCHES DATATYPE BOUND IRI URI BNODE RAND ABS CEIL FLOOR ROUND CONCAT STRLEN UCASE LCASE " +
  "ENCODE_FOR_URI CONTAINS STRSTARTS STRENDS STRBEFORE STRAFTER YEAR MONTH DAY HOURS MINUTES SECONDS TIMEZONE TZ " +
  "NOW UUID STRUUID MD5 SHA1 SHA256 SHA384 SHA512 COALESCE IF STRLANG STRDT SAMETERM ISIRI ISURI ISBLANK ISLITERAL " +
  "ISNUMERIC REGEX SUBSTR REPLACE COUNT SUM MIN MAX AVG SAMPLE GROUP_CONCAT SEPARATOR TRUE FALSE"
).split(" "));

// Sticky patterns, tried in order at each position.
const PATTERNS = [
  ["ws", /\s+/y],
  ["comment", /#[^\n]*/y],
  ["iri", /<[^<>"{}|^`\\\s]*>/y],
  ["string", /"""(?:[^"\\]|\\[\s\S]|"(?!""))*(?:"""|$)/y],
  ["string", /'''(?:[^'\\]|\\[\s\S]|'(?!''))*(?:'''|$)/y],
  ["string", /"(?:[^"\\\n]|\\.)*(?:"|$)/my],
  ["string", /'(?:[^'\\\n]|\\.)*(?:'|$)/my],
  ["var", /[?$][A-Za-z0-9_\u00B7\u00C0-\uFFFF]+/y],
  ["bnode", /_:[A-Za-z0-9_\u00C0-\uFFFF][\w.\-\u00C0-\uFFFF]*/y],
  ["pname", /(?:[A-Za-z\u00C0-\uFFFF][\w\-\u00C0-\uFFFF]*(?:\.[\w\-\u00C0-\uFFFF]+)*)?:(?:[\w\-%:\u00C0-\uFFFF]|\.(?=[\w\-%:]))*/y],
  ["word", /[A-Za-z_][A-Za-z0-9_]*/y],
  ["number", /(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)/y],
  ["lang", /@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*/y],
];

/** Split SPARQL text into tokens {type, text} that together cover the whole text. */
export function tokenize(text) {
  const tokens = [];
  let pos = 0;
  while (pos < text.length) {
    let matched = null;
    for (const [type, re] of PATTERNS) {
      re.lastIndex = pos;
      const m = re.exec(text);
      if (m && m[0].length > 0) {
        matched = { type, text: m[0] };
        break;
      }
    }
    if (!matched) matched = { type: "punct", text: text[pos] };
    if (matched.type === "word") {
      const upper = matched.text.toUpperCase();
      matched.type = matched.text === "a" || KEYWORDS.has(upper) ? "keyword" : "word";
      if (upper === "TRUE" || upper === "FALSE") matched.type = "number";
    }
    tokens.push(matched);
    pos += matched.text.length;
  }
  return tokens;
}

/** The PREFIX declarations of a query: {prefix: namespace}. */
export function declaredPrefixes(text) {
  const out = {};
  const re = /PREFIX\s+([A-Za-z\u00C0-\uFFFF][\w.\-\u00C0-\uFFFF]*)?:\s*<([^<>\s]*)>/gi;
  for (const m of text.replace(/#[^\n]*/g, "").matchAll(re)) out[m[1] || ""] = m[2];
  return out;
}

/** PREFIX lines for the prefixes the query uses but does not declare, from the known ones. */
export function missingPrefixLines(text, known) {
  const declared = declaredPrefixes(text);
  const used = new Set();
  for (const token of tokenize(text)) {
    if (token.type === "pname") used.add(token.text.slice(0, token.text.indexOf(":")));
  }
  const lines = [];
  for (const name of used) {
    if (!(name in declared) && Object.hasOwn(known, name)) lines.push(`PREFIX ${name}: <${known[name]}>`);
  }
  return lines.sort();
}

/** A term of a parameter's type as SPARQL text, or null when the value cannot be written safely. */
export function paramTerm(param, value) {
  if (value === null || value === undefined) return null;
  const text = String(value);
  switch (param.type) {
    case "iri":
      return /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|\\^`]*$/.test(text) ? `<${text}>` : null;
    case "integer":
      return /^[+-]?\d+$/.test(text) ? text : null;
    case "boolean":
      return /^(true|false)$/i.test(text) ? text.toLowerCase() : null;
    case "gYear":
      return /^-?\d{4,}$/.test(text) ? `"${text}"^^<http://www.w3.org/2001/XMLSchema#gYear>` : null;
    default:
      return stringLiteral(text);
  }
}

export function stringLiteral(text) {
  const escaped = text.replace(/[\\"\n\r\t]/g, (c) => ({ "\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t" })[c]);
  return `"${escaped}"`;
}

/** Where the query's WHERE group opens: the index just after its "{", or -1. */
export function whereOpening(text) {
  const tokens = tokenize(text);
  const isKeyword = (t, words) => t.type === "keyword" && words.includes(t.text.toUpperCase());
  const hasWhere = tokens.some((t) => isKeyword(t, ["WHERE"]));
  const openers = hasWhere ? ["WHERE"] : ["SELECT", "ASK", "DESCRIBE"];
  let pos = 0;
  let armed = false;
  for (const token of tokens) {
    if (!armed && isKeyword(token, openers)) armed = true;
    else if (armed && token.type === "punct" && token.text === "{") return pos + 1;
    pos += token.text.length;
  }
  return -1;
}

/**
 * A ready-made query in a readable, runnable form: a comment with its question, then its SPARQL
 * with each parameter's default bound by a BIND line at the top of the WHERE group.
 */
export function withParams(entry) {
  const header = [`# ${entry.summary}`, `# Ready-made query "${entry.name}" (also served at api/queries/${entry.name})`];
  let sparql = entry.sparql;
  const binds = [];
  const notes = [];
  for (const param of entry.params || []) {
    const term = paramTerm(param, param.default);
    const allowed = param.enum && param.enum.length ? ` — one of: ${param.enum.join(", ")}` : "";
    if (term === null) {
      notes.push(`#   ?${param.name} (${param.type}) has no default: it stays free${allowed}`);
    } else {
      binds.push(`  BIND(${term} AS ?${param.name})  # parameter ${param.name} (${param.type})${allowed}`);
    }
  }
  if (binds.length) {
    const at = whereOpening(sparql);
    if (at >= 0) {
      const lineEnd = sparql.indexOf("\n", at);
      const rest = sparql.slice(at, lineEnd === -1 ? sparql.length : lineEnd).trim();
      const insertAt = rest === "" && lineEnd !== -1 ? lineEnd + 1 : at;
      const prefix = insertAt === at ? "\n" : "";
      sparql = sparql.slice(0, insertAt) + prefix + binds.join("\n") + "\n" + sparql.slice(insertAt);
    } else {
      notes.push(...binds.map((b) => "#" + b));
    }
  }
  if (notes.length) header.push("# parameters:", ...notes);
  return header.join("\n") + "\n" + sparql;
}

/** "error at L:C" in an endpoint error message, as {line, column} (both from 1), or null. */
export function errorPosition(message) {
  const m = /error at (\d+):(\d+)/.exec(message || "");
  return m ? { line: Number(m[1]), column: Number(m[2]) } : null;
}
