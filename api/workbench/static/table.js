// The result table, 50 rows a page. With "show labels", a column ?x that has a companion ?xLabel
// shows the label as the text of the IRI's link, and the ?xLabel column is folded into it.

export const PAGE_SIZE = 50;

/** Columns to show: [{name, label}] where `label` names the folded ?xLabel column, if any. */
export function columns(vars, showLabels) {
  const present = new Set(vars);
  const folded = new Set(showLabels ? vars.filter((v) => v.endsWith("Label") && present.has(v.slice(0, -5))) : []);
  return vars.filter((v) => !folded.has(v)).map((v) => ({ name: v, label: folded.has(v + "Label") ? v + "Label" : null }));
}

export class ResultTable {
  constructor(table, pager, info, prev, next, terms) {
    this.table = table;
    this.pager = pager;
    this.info = info;
    this.terms = terms;
    this.vars = [];
    this.rows = [];
    this.page = 0;
    this.showLabels = true;
    prev.addEventListener("click", () => this.go(this.page - 1));
    next.addEventListener("click", () => this.go(this.page + 1));
    this.prev = prev;
    this.next = next;
  }

  show(vars, rows, showLabels) {
    this.vars = vars;
    this.rows = rows;
    this.showLabels = showLabels;
    this.page = 0;
    this.render();
  }

  setLabels(showLabels) {
    this.showLabels = showLabels;
    this.render();
  }

  get pages() {
    return Math.max(1, Math.ceil(this.rows.length / PAGE_SIZE));
  }

  go(page) {
    this.page = Math.min(Math.max(page, 0), this.pages - 1);
    this.render();
  }

  render() {
    const cols = columns(this.vars, this.showLabels);
    const head = document.createElement("thead");
    const headRow = head.insertRow();
    const corner = document.createElement("th");
    corner.textContent = "#";
    corner.className = "rownum";
    headRow.appendChild(corner);
    for (const col of cols) {
      const th = document.createElement("th");
      th.setAttribute("scope", "col");
      th.textContent = "?" + col.name;
      if (col.label) th.setAttribute("title", `labels from ?${col.label}`);
      headRow.appendChild(th);
    }
    const body = document.createElement("tbody");
    const start = this.page * PAGE_SIZE;
    this.rows.slice(start, start + PAGE_SIZE).forEach((row, i) => {
      const tr = body.insertRow();
      const num = tr.insertCell();
      num.className = "rownum";
      num.textContent = String(start + i + 1);
      for (const col of cols) {
        const td = tr.insertCell();
        const label = col.label && row[col.label] ? row[col.label].value : null;
        td.appendChild(this.terms.node(row[col.name], label));
      }
    });
    this.table.replaceChildren(head, body);
    const many = this.rows.length > PAGE_SIZE;
    this.pager.hidden = !many;
    if (many) {
      const end = Math.min(start + PAGE_SIZE, this.rows.length);
      this.info.textContent = `rows ${start + 1}–${end} of ${this.rows.length} · page ${this.page + 1} of ${this.pages}`;
      this.prev.disabled = this.page === 0;
      this.next.disabled = this.page >= this.pages - 1;
    }
  }
}
