// The query editor: a plain <textarea> over a <pre> that shows the same text highlighted (the
// textarea's own text is transparent), with a gutter of line numbers and an error marker.

import { tokenize } from "./sparql-text.js";

export class Editor {
  constructor(textarea, highlight, gutter) {
    this.textarea = textarea;
    this.highlight = highlight;
    this.gutter = gutter;
    this.error = null; // {line, column}
    this.pending = false;
    textarea.addEventListener("input", () => {
      this.error = null;
      this.schedule();
    });
    textarea.addEventListener("scroll", () => this.syncScroll());
    this.render();
  }

  get value() {
    return this.textarea.value;
  }

  set value(text) {
    this.textarea.value = text;
    this.error = null;
    this.render();
    this.textarea.scrollTop = 0;
    this.syncScroll();
  }

  schedule() {
    if (this.pending) return;
    this.pending = true;
    requestAnimationFrame(() => {
      this.pending = false;
      this.render();
    });
  }

  syncScroll() {
    this.highlight.scrollTop = this.textarea.scrollTop;
    this.highlight.scrollLeft = this.textarea.scrollLeft;
    this.gutter.scrollTop = this.textarea.scrollTop;
  }

  /** Mark the position an error message names (line and column from 1, clamped to the text). */
  markError(line, column) {
    const lines = this.textarea.value.split("\n");
    const l = Math.min(Math.max(line, 1), lines.length);
    const c = Math.min(Math.max(column, 1), lines[l - 1].length + 1);
    this.error = { line: l, column: c };
    this.render();
    let offset = 0;
    for (let i = 0; i < l - 1; i++) offset += lines[i].length + 1;
    offset += c - 1;
    this.textarea.focus();
    this.textarea.setSelectionRange(offset, offset);
    this.scrollToLine(l);
    return this.error;
  }

  scrollToLine(line) {
    const style = getComputedStyle(this.textarea);
    const lineHeight = parseFloat(style.lineHeight) || 20;
    const top = (line - 1) * lineHeight;
    const view = this.textarea.clientHeight;
    if (top < this.textarea.scrollTop || top > this.textarea.scrollTop + view - 2 * lineHeight) {
      this.textarea.scrollTop = Math.max(0, top - view / 2);
    }
    this.syncScroll();
  }

  clearError() {
    if (this.error) {
      this.error = null;
      this.render();
    }
  }

  render() {
    const text = this.textarea.value;
    const frag = document.createDocumentFragment();
    let line = 1;
    let col = 1;
    let lineSpan = this.newLine(line);
    frag.appendChild(lineSpan);
    for (const token of tokenize(text)) {
      const parts = token.text.split("\n");
      parts.forEach((part, i) => {
        if (i > 0) {
          if (this.error && this.error.line === line && this.error.column >= col) this.appendMarker(lineSpan, " ");
          lineSpan.appendChild(document.createTextNode("\n"));
          line += 1;
          col = 1;
          lineSpan = this.newLine(line);
          frag.appendChild(lineSpan);
        }
        if (part) this.appendPart(lineSpan, token.type, part, line, col);
        col += part.length;
      });
    }
    if (this.error && this.error.line === line && this.error.column >= col) this.appendMarker(lineSpan, " ");
    lineSpan.appendChild(document.createTextNode("\n ")); // room for a last empty line
    this.highlight.replaceChildren(frag);
    const numbers = document.createDocumentFragment();
    for (let i = 1; i <= line; i++) {
      const n = document.createElement("span");
      n.textContent = String(i) + "\n";
      if (this.error && this.error.line === i) n.className = "error-line";
      numbers.appendChild(n);
    }
    this.gutter.replaceChildren(numbers);
    this.syncScroll();
  }

  newLine(line) {
    const span = document.createElement("span");
    span.className = this.error && this.error.line === line ? "line error-line" : "line";
    return span;
  }

  appendPart(lineSpan, type, part, line, col) {
    const err = this.error;
    const hit = err && err.line === line && err.column >= col && err.column < col + part.length;
    if (!hit) {
      lineSpan.appendChild(this.tokenSpan(type, part));
      return;
    }
    const at = err.column - col;
    if (at > 0) lineSpan.appendChild(this.tokenSpan(type, part.slice(0, at)));
    const marker = this.appendMarker(lineSpan, part[at]);
    marker.classList.add("tok-" + type);
    if (at + 1 < part.length) lineSpan.appendChild(this.tokenSpan(type, part.slice(at + 1)));
  }

  appendMarker(lineSpan, char) {
    const mark = document.createElement("mark");
    mark.className = "error-at";
    mark.id = "error-at";
    mark.textContent = char;
    lineSpan.appendChild(mark);
    return mark;
  }

  tokenSpan(type, text) {
    if (type === "ws" || type === "punct" || type === "word") return document.createTextNode(text);
    const span = document.createElement("span");
    span.className = "tok-" + type;
    span.textContent = text;
    return span;
  }
}
