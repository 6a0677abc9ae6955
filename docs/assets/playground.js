/* The playground: pick a setting, step through the trace tracer recorded for it.
 *
 * Every number drawn comes from the setting's file, written at build time by
 * scripts/build_playground.py: the trace in tracer's JSON format (trace.to_json(),
 * described by tracer/trace.schema.json), gzip-compressed and base64-encoded. A
 * <script> tag per setting loads it (so file:// works), and the browser's own
 * DecompressionStream unpacks it. This script only copies numbers: the arrays
 * before the first step, then each step's recorded updates in order. It lays the
 * cells out (row-major positions of the recorded shapes) and compares indices
 * with the recorded regions; it computes no value.
 *
 * Every drawn cell carries data-array, data-index ("0,1,2,0") and data-value (the
 * number in full, empty for a cell not written yet); the root carries the
 * setting as data-setting JSON, and the step shown as data-step.
 */
(function () {
  "use strict";

  const P = (window.tracerPlayground = window.tracerPlayground || {});
  const PLAY_MS = 450;
  const FUNCTIONS = [
    ["conv_forward", null, "conv_forward"],
    ["conv_backward", null, "conv_backward"],
    ["pool_forward", "max", "pool_forward, max"],
    ["pool_forward", "average", "pool_forward, average"],
    ["pool_backward", "max", "pool_backward, max"],
    ["pool_backward", "average", "pool_backward, average"],
  ];
  const CONTROLS = [
    // [setting field, label, index field, conv only]
    ["n_H_prev", "height n_H_prev", "sizes", false],
    ["n_W_prev", "width n_W_prev", "sizes", false],
    ["f", "filter f", "filters", false],
    ["stride", "stride", "strides", false],
    ["pad", "pad", "pads", true],
    ["n_C_prev", "channels in n_C_prev", "channels", true],
    ["n_C", "channels out n_C", "channels", false],
    // dilation: shown once the build offers more than one (index.dilations), see build_playground.py
    ["dilation", "dilation", "dilations", true],
  ];

  // -- loading a setting's file ------------------------------------------------------------------
  const loaded = {};
  const waiting = {};

  async function inflate(b64) {
    const bytes = Uint8Array.from(atob(b64), (ch) => ch.charCodeAt(0));
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return JSON.parse(await new Response(stream).text());
  }

  /* Called by each setting's file: tracerPlayground.load(key, "<base64 of the gzipped JSON>"). */
  P.load = function (key, b64) {
    loaded[key] = inflate(b64);
    if (waiting[key]) waiting[key].forEach((w) => w.resolve(loaded[key]));
    delete waiting[key];
  };

  function fetchSetting(base, key) {
    if (loaded[key]) return loaded[key];
    return new Promise(function (resolve, reject) {
      (waiting[key] = waiting[key] || []).push({ resolve, reject });
      const s = document.createElement("script");
      s.src = base + key + ".js";
      s.onerror = function () {
        (waiting[key] || []).forEach((w) => w.reject(new Error("no file for " + key)));
        delete waiting[key];
      };
      document.head.appendChild(s);
    }).then((p) => p);
  }

  function keyOf(s) {
    const size = `h${s.n_H_prev}-w${s.n_W_prev}-f${s.f}-s${s.stride}`;
    const dilated = s.dilation && s.dilation !== 1 ? `-d${s.dilation}` : "";
    if (!s.mode) return `${s.function}-${size}-p${s.pad}-c${s.n_C_prev}-${s.n_C}${dilated}`;
    return `${s.function}-${s.mode}-${size}-c${s.n_C}`;
  }

  // -- small DOM helpers -------------------------------------------------------------------------
  function el(tag, attrs, children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") e.textContent = v;
      else if (k === "class") e.className = v;
      else e.setAttribute(k, v);
    }
    (children || []).forEach((c) => e.appendChild(typeof c === "string" ? document.createTextNode(c) : c));
    return e;
  }
  function button(label, title, cls) {
    return el("button", { type: "button", class: "tp-button " + (cls || ""), title: title, "aria-label": title, text: label });
  }

  // -- indices: the row-major layout of a recorded shape ------------------------------------------
  function strides(shape) {
    const out = new Array(shape.length).fill(1);
    for (let j = shape.length - 2; j >= 0; j--) out[j] = out[j + 1] * shape[j + 1];
    return out;
  }
  function unravel(flat, shape) {
    const st = strides(shape);
    return shape.map((n, j) => Math.floor(flat / st[j]) % n);
  }
  function inRegion(index, region) {
    // region: per axis an index, or [start, stop(, step)] as Python's range()
    for (let j = 0; j < region.length; j++) {
      const r = region[j];
      const x = index[j];
      if (typeof r === "number") {
        if (x !== r) return false;
      } else {
        const [start, stop, step] = [r[0], r[1], r.length > 2 ? r[2] : 1];
        const inside = step > 0 ? x >= start && x < stop : x <= start && x > stop;
        if (!inside || (x - start) % step !== 0) return false;
      }
    }
    return true;
  }
  function named(name, index) {
    return `${name}[${index.join(", ")}]`;
  }

  // -- the state after k steps: the recorded arrays, then the recorded updates copied in order ------
  function stateAt(trace, k) {
    const call = trace.calls[0];
    const values = {};
    const texts = {};
    for (const [name, a] of Object.entries(call.arrays)) {
      values[name] = a.values.slice();
      texts[name] = Object.assign({}, a.text || {});
    }
    for (let j = 0; j < k; j++) {
      for (const [name, rows] of Object.entries(trace.steps[j].updates)) {
        for (const row of rows) {
          values[name][row[0]] = row[1];
          if (row.length > 2) texts[name][row[0]] = row[2];
          else delete texts[name][row[0]];
        }
      }
    }
    return { values, texts };
  }
  function shown(state, name, flat) {
    const v = state.values[name][flat];
    if (v === null) return "";
    const t = state.texts[name][flat];
    return t !== undefined ? t : String(v);
  }

  // -- the playground ------------------------------------------------------------------------------
  function Playground(root) {
    this.root = root;
    this.base = root.dataset.base;
    this.index = P.index;
    this.k = 0;
    this.timer = null;
    this.pinned = null; // {array, flat}: an output cell whose formula is shown
    this.selected = null; // {array, flat}: an input cell whose readers are marked
    this.build();
    const d = this.index.default;
    this.setting = Object.assign({ mode: null }, d);
    this.writeControls();
    this.switchTo(this.setting, 0);
  }

  Playground.prototype.build = function () {
    const root = this.root;
    root.textContent = "";
    const form = el("div", { class: "tp-controls", role: "group", "aria-label": "Setting" });
    const fn = el("select", { class: "tp-select", "data-control": "function", id: "tp-function" });
    FUNCTIONS.forEach(([f, mode, label], j) => fn.appendChild(el("option", { value: String(j), text: label })));
    form.appendChild(el("label", { class: "tp-field tp-field-wide" }, [el("span", { text: "function" }), fn]));
    this.selects = { function: fn };
    for (const [field, label, range] of CONTROLS) {
      if (!this.index[range] || this.index[range].length < 2) continue; // a control with one value is no choice
      const s = el("select", { class: "tp-select", "data-control": field });
      this.index[range].forEach((v) => s.appendChild(el("option", { value: String(v), text: String(v) })));
      const l = el("label", { class: "tp-field" }, [el("span", { text: label }), s]);
      form.appendChild(l);
      this.selects[field] = s;
    }
    Object.values(this.selects).forEach((s) => s.addEventListener("change", () => this.readControls()));

    const transport = el("div", { class: "tp-transport", role: "group", "aria-label": "Steps" });
    this.first = button("|\u25C0", "First step (Home)", "tp-first");
    this.prev = button("\u25C0", "Previous step (left arrow)", "tp-prev");
    this.play = button("\u25B6 Play", "Play or pause (space)", "tp-play");
    this.next = button("\u25B6", "Next step (right arrow)", "tp-next");
    this.last = button("\u25B6|", "Last step (End)", "tp-last");
    this.slider = el("input", { type: "range", min: "0", max: "0", value: "0", class: "tp-slider", "aria-label": "Step" });
    this.counter = el("span", { class: "tp-counter", "aria-live": "off" });
    [this.first, this.prev, this.play, this.next, this.last, this.slider, this.counter].forEach((x) => transport.appendChild(x));
    this.first.addEventListener("click", () => { this.stop(); this.show(0); });
    this.prev.addEventListener("click", () => { this.stop(); this.show(this.k - 1); });
    this.next.addEventListener("click", () => { this.stop(); this.show(this.k + 1); });
    this.last.addEventListener("click", () => { this.stop(); this.show(this.n); });
    this.play.addEventListener("click", () => this.toggle());
    this.slider.addEventListener("input", () => { this.stop(); this.show(parseInt(this.slider.value, 10)); });

    const legend = el("p", { class: "tp-legend", "aria-hidden": "true" });
    [["tp-sw-read", "read by this step"], ["tp-sw-write", "written"], ["tp-sw-added", "added to"],
      ["tp-sw-chosen", "the max kept"], ["tp-sw-pad", "padding"], ["tp-sw-term", "pinned: its terms"]].forEach(([cls, text]) =>
      legend.appendChild(el("span", { class: "tp-legend-item" }, [el("span", { class: "tp-legend-swatch " + cls }), text])));
    this.caption = el("p", { class: "tp-caption", "aria-live": "polite" });
    this.formula = el("div", { class: "tp-formula", "aria-live": "polite" });
    this.grids = el("div", { class: "tp-grids" });
    this.code = el("div", { class: "tp-code" });
    this.status = el("p", { class: "tp-status", role: "status" });
    [form, transport, legend, this.caption, this.formula, this.grids, this.code, this.status].forEach((x) => root.appendChild(x));

    root.addEventListener("keydown", (e) => this.key(e));
    this.grids.addEventListener("click", (e) => {
      const td = e.target.closest("td[data-array]");
      if (td) this.clickCell(td);
    });
    this.formula.addEventListener("click", (e) => {
      const b = e.target.closest("button[data-step]");
      if (b) { this.stop(); this.show(parseInt(b.dataset.step, 10)); }
    });
  };

  Playground.prototype.writeControls = function () {
    const s = this.setting;
    const j = FUNCTIONS.findIndex(([f, mode]) => f === s.function && mode === (s.mode || null));
    this.selects.function.value = String(j);
    const conv = !s.mode;
    for (const [field, , , convOnly] of CONTROLS) {
      const sel = this.selects[field];
      if (!sel) continue;
      if (s[field] !== undefined) sel.value = String(s[field]);
      sel.disabled = convOnly && !conv;
      sel.closest("label").classList.toggle("tp-off", convOnly && !conv);
    }
  };

  Playground.prototype.readControls = function () {
    const [fn, mode] = FUNCTIONS[parseInt(this.selects.function.value, 10)];
    const s = { function: fn, mode: mode };
    for (const [field] of CONTROLS) if (this.selects[field]) s[field] = parseInt(this.selects[field].value, 10);
    if (mode) {
      s.pad = 0;
      s.n_C_prev = s.n_C;
    }
    this.switchTo(s, this.k);
  };

  Playground.prototype.switchTo = function (setting, k) {
    const key = keyOf(setting);
    const root = this.root;
    root.dataset.loading = key;
    this.stop();
    const why = (this.index.missing || {})[key];
    if (why !== undefined) { // no window fits: tracer refused this call, and the build says why
      root.dataset.state = "missing";
      this.status.textContent = "No trace for this setting: " + this.index.reasons[why] +
        ". Choose a smaller filter or dilation, or more padding.";
      return;
    }
    root.dataset.state = "loading";
    fetchSetting(this.base, key).then(
      (payload) => {
        if (root.dataset.loading !== key) return; // a later choice won
        this.payload = payload;
        this.trace = payload.trace;
        this.setting = Object.assign({ mode: null }, payload.setting);
        this.n = this.trace.steps.length;
        this.pinned = this.selected = null;
        this.finalState = stateAt(this.trace, this.n);
        this.writeControls();
        this.drawGrids();
        this.drawCode();
        this.slider.max = String(this.n);
        root.dataset.setting = JSON.stringify(payload.setting);
        root.dataset.key = key;
        this.status.textContent = "";
        this.show(Math.min(k, this.n));
        root.dataset.state = "ready";
      },
      (err) => {
        root.dataset.state = "error";
        this.status.textContent = "This setting's trace could not be loaded (" + err.message + "): rebuild the site.";
      }
    );
  };

  // -- grids -----------------------------------------------------------------------------------------
  Playground.prototype.drawGrids = function () {
    const call = this.trace.calls[0];
    this.grids.textContent = "";
    this.cells = {}; // name -> array of td by flat index
    const groups = { in: el("div", { class: "tp-group" }), out: el("div", { class: "tp-group" }) };
    groups.in.appendChild(el("h2", { class: "tp-group-title", text: "What the call reads" }));
    groups.out.appendChild(el("h2", { class: "tp-group-title", text: "What its steps write" }));
    for (const [name, a] of Object.entries(call.arrays)) {
      const fig = el("figure", { class: "tp-array", "data-name": name });
      const role = a.role === "state" ? "" : a.role === "derived" ? ", computed by the loop" : "";
      fig.appendChild(el("figcaption", { text: `${name} (${a.shape.join(", ")})${role}` }));
      const holder = el("div", { class: "tp-tables" });
      this.cells[name] = new Array(a.values.length);
      this.drawArray(name, a, holder);
      fig.appendChild(holder);
      groups[a.role === "state" ? "out" : "in"].appendChild(fig);
    }
    this.grids.appendChild(groups.in);
    this.grids.appendChild(groups.out);
  };

  Playground.prototype.drawArray = function (name, a, holder) {
    const shape = a.shape;
    const [ra, ca] = a.grid;
    const rows = ra === null ? 1 : shape[ra];
    const cols = ca === null ? 1 : shape[ca];
    const others = shape.map((n, j) => j).filter((j) => j !== ra && j !== ca);
    const st = strides(shape);
    const combos = [[]];
    for (const j of others) {
      const next = [];
      for (const c of combos) for (let x = 0; x < shape[j]; x++) next.push(c.concat([x]));
      combos.splice(0, combos.length, ...next);
    }
    const pad = a.padding || 0;
    for (const combo of combos) {
      const index = new Array(shape.length).fill(0);
      others.forEach((j, q) => (index[j] = combo[q]));
      const label = shape.map((n, j) => (j === ra || j === ca ? ":" : String(index[j])));
      const title = `${name}[${label.join(", ")}]`;
      const table = el("table", { class: "tp-grid", "aria-label": title });
      const box = el("div", { class: "tp-table" }, [el("div", { class: "tp-table-title", "aria-hidden": "true", text: title }), table]);
      if (cols > 1 || rows > 1) {
        const head = el("tr", {}, [el("th", { scope: "col", class: "tp-corner", "aria-hidden": "true" })]);
        for (let c = 0; c < cols; c++) head.appendChild(el("th", { scope: "col", text: String(c) }));
        table.appendChild(el("thead", {}, [head]));
      }
      const body = el("tbody");
      for (let r = 0; r < rows; r++) {
        const tr = el("tr");
        if (cols > 1 || rows > 1) tr.appendChild(el("th", { scope: "row", text: String(r) }));
        for (let c = 0; c < cols; c++) {
          if (ra !== null) index[ra] = r;
          if (ca !== null) index[ca] = c;
          const flat = index.reduce((acc, x, j) => acc + x * st[j], 0);
          const td = el("td", { "data-array": name, "data-index": index.join(","), tabindex: "-1" });
          td.dataset.flat = String(flat);
          const padded = pad > 0 && (r < pad || r >= rows - pad || c < pad || c >= cols - pad);
          if (padded) td.classList.add("tp-pad");
          this.cells[name][flat] = td;
          tr.appendChild(td);
        }
        body.appendChild(tr);
      }
      table.appendChild(body);
      table.addEventListener("keydown", (e) => this.gridKey(e, table));
      holder.appendChild(box);
    }
    holder.querySelectorAll("table").forEach((t) => {
      const first = t.querySelector("td");
      if (first) first.tabIndex = 0;
    });
  };

  Playground.prototype.gridKey = function (e, table) {
    const td = e.target.closest("td");
    if (!td) return;
    const moves = { ArrowLeft: [0, -1], ArrowRight: [0, 1], ArrowUp: [-1, 0], ArrowDown: [1, 0] };
    if (e.key === "Enter" || e.key === " ") {
      e.preventDefault();
      e.stopPropagation();
      this.clickCell(td);
      return;
    }
    const m = moves[e.key];
    if (!m) return;
    e.preventDefault();
    e.stopPropagation(); // inside a grid the arrows move between cells
    const tr = td.parentElement;
    const rows = Array.from(table.tBodies[0].rows);
    const r = rows.indexOf(tr) + m[0];
    const tds = Array.from(tr.querySelectorAll("td"));
    const c = tds.indexOf(td) + m[1];
    if (r < 0 || r >= rows.length) return;
    const target = rows[r].querySelectorAll("td")[c];
    if (!target) return;
    td.tabIndex = -1;
    target.tabIndex = 0;
    target.focus();
  };

  // -- one step ------------------------------------------------------------------------------------
  Playground.prototype.show = function (k) {
    k = Math.max(0, Math.min(this.n, k));
    this.k = k;
    const state = stateAt(this.trace, k);
    for (const [name, tds] of Object.entries(this.cells)) {
      for (let flat = 0; flat < tds.length; flat++) {
        const td = tds[flat];
        const v = state.values[name][flat];
        td.textContent = shown(state, name, flat);
        td.dataset.value = v === null ? "" : String(v);
        td.classList.toggle("tp-empty", v === null);
        td.classList.toggle("tp-pos", typeof v === "number" && v > 0);
        td.classList.toggle("tp-neg", typeof v === "number" && v < 0);
        td.classList.remove("tp-read", "tp-write", "tp-added", "tp-changed", "tp-chosen");
      }
    }
    const step = k > 0 ? this.trace.steps[k - 1] : null;
    if (step) {
      this.mark(step.reads, "tp-read");
      this.mark(step.writes, step.kind.indexOf("back") >= 0 ? "tp-write tp-added" : "tp-write");
      for (const [name, rows] of Object.entries(step.updates)) rows.forEach((row) => this.cells[name][row[0]].classList.add("tp-changed"));
      if (step.kind === "pool_window") this.markChosen(step);
    }
    // a focused button that is about to be disabled would drop the focus, and the keys with it
    const focused = document.activeElement;
    const disabling = (k === 0 && (focused === this.first || focused === this.prev)) ||
      (k === this.n && (focused === this.next || focused === this.last));
    this.slider.value = String(k);
    // numbered as trace[k] and the players count steps (tracer.numbers.step_label); position k shows
    // the arrays after k steps, that is after step k - 1
    this.counter.textContent = k === 0 ? `before step 0 (0-${this.n - 1})` : `step ${k - 1} (0-${this.n - 1})`;
    this.first.disabled = this.prev.disabled = k === 0;
    this.next.disabled = this.last.disabled = k === this.n;
    if (disabling) this.play.focus();
    this.caption.textContent = step
      ? step.text
      : "Before the first step: the call's inputs, and its outputs not written yet.";
    this.root.dataset.step = String(k);
    this.drawMarks();
  };

  Playground.prototype.mark = function (regions, cls) {
    if (!regions) return;
    const call = this.trace.calls[0];
    const classes = cls.split(" ");
    for (const [name, region] of Object.entries(regions)) {
      const shape = call.arrays[name].shape;
      this.cells[name].forEach((td, flat) => {
        if (inRegion(unravel(flat, shape), region)) td.classList.add(...classes);
      });
    }
  };

  Playground.prototype.formulaOf = function (name, flat) {
    const list = this.trace.calls[0].formulas;
    let f = list.find((x) => x.array === name && x.index === flat);
    if (f && f.same) {
      const [n, j] = f.same;
      f = Object.assign({}, list.find((x) => x.array === n && x.index === j), { array: name, index: flat, value: f.value });
    }
    return f;
  };

  Playground.prototype.markChosen = function (step) {
    for (const [name, rows] of Object.entries(step.updates)) {
      for (const row of rows) {
        const f = this.formulaOf(name, row[0]);
        if (f && f.chosen !== undefined) this.cells[f.factors[0]][f.terms[f.chosen][0]].classList.add("tp-chosen");
      }
    }
  };

  // -- pinning an output, selecting an input -------------------------------------------------------
  Playground.prototype.clickCell = function (td) {
    const name = td.dataset.array;
    const flat = parseInt(td.dataset.flat, 10);
    const same = (x) => x && x.array === name && x.flat === flat;
    const f = this.formulaOf(name, flat);
    if (f || this.trace.calls[0].arrays[name].role === "state" && !this.readersOf(name, flat).length) {
      this.pinned = same(this.pinned) ? null : { array: name, flat: flat };
      this.selected = null;
    } else {
      this.selected = same(this.selected) ? null : { array: name, flat: flat };
      this.pinned = null;
    }
    td.tabIndex = 0;
    this.drawMarks();
  };

  Playground.prototype.readersOf = function (name, flat) {
    const shape = this.trace.calls[0].arrays[name].shape;
    const index = unravel(flat, shape);
    const out = [];
    this.trace.steps.forEach((s, j) => {
      if (s.reads && s.reads[name] && inRegion(index, s.reads[name])) out.push(j + 1);
    });
    return out;
  };

  Playground.prototype.writersOf = function (name, flat) {
    const shape = this.trace.calls[0].arrays[name].shape;
    const index = unravel(flat, shape);
    const out = [];
    this.trace.steps.forEach((s, j) => {
      if (s.writes && s.writes[name] && inRegion(index, s.writes[name])) out.push(j + 1);
    });
    return out;
  };

  function stepButtons(steps) {
    const box = el("span", { class: "tp-steps" });
    steps.slice(0, 60).forEach((k) => box.appendChild(el("button", { type: "button", class: "tp-step", "data-step": String(k), text: String(k) })));
    if (steps.length > 60) box.appendChild(document.createTextNode(` \u2026 (${steps.length} in all)`));
    return box;
  }

  Playground.prototype.drawMarks = function () {
    this.grids.querySelectorAll(".tp-pinned, .tp-term, .tp-selected, .tp-reader").forEach((td) =>
      td.classList.remove("tp-pinned", "tp-term", "tp-selected", "tp-reader"));
    this.formula.textContent = "";
    const call = this.trace.calls[0];
    const fin = this.finalState;
    const idx = (name, flat) => unravel(flat, call.arrays[name].shape);
    if (this.pinned) {
      const { array, flat } = this.pinned;
      this.cells[array][flat].classList.add("tp-pinned");
      const f = this.formulaOf(array, flat);
      const head = el("p", { class: "tp-formula-head" }, [el("strong", { text: named(array, idx(array, flat)) })]);
      if (!f) {
        head.appendChild(document.createTextNode(" = " + shown(fin, array, flat) + ": no window reaches this cell."));
        this.formula.appendChild(head);
        return;
      }
      const parts = [];
      f.terms.forEach((t, j) => {
        const cells = t.map((flatj, q) => [f.factors[q], flatj]);
        cells.forEach(([n, x]) => this.cells[n][x].classList.add("tp-term"));
        const text = cells.map(([n, x]) => {
          const s = shown(fin, n, x);
          return s.startsWith("-") && cells.length > 1 ? `(${s})` : s;
        }).join(" \u00D7 ") + (f.divisor ? ` / ${f.divisor}` : "");
        const title = cells.map(([n, x]) => named(n, idx(n, x))).join(" \u00D7 ") + (f.divisor ? ` / ${f.divisor}` : "");
        parts.push(el("span", { class: "tp-t" + (f.chosen === j ? " tp-t-chosen" : ""), title: title, text: text }));
      });
      (f.plus || []).forEach((t) => {
        t.forEach(([n, x]) => this.cells[n][x].classList.add("tp-term"));
        const title = t.map(([n, x]) => named(n, idx(n, x))).join(" \u00D7 ");
        const text = t.map(([n, x]) => shown(fin, n, x)).join(" \u00D7 ");
        parts.push(el("span", { class: "tp-t tp-t-plus", title: title, text: text.startsWith("-") ? `(${text})` : text }));
      });
      const line = el("p", { class: "tp-formula-line" });
      const op = f.op === "sum" ? null : f.op;
      line.appendChild(document.createTextNode("= " + (op ? op + "(" : "")));
      parts.forEach((p, j) => {
        if (j > 0) line.appendChild(document.createTextNode(op ? ", " : " + "));
        line.appendChild(p);
      });
      if (!parts.length) line.appendChild(document.createTextNode("0"));
      line.appendChild(document.createTextNode((op ? ")" : "") + " = "));
      line.appendChild(el("strong", { text: shown(fin, array, flat) }));
      const symbols = f.factors.join(" \u00D7 ") + (f.plus ? " + " + f.plus[0].map(([n]) => n).join(" \u00D7 ") : "");
      head.appendChild(document.createTextNode(` = ${f.op} of ${f.terms.length} term${f.terms.length === 1 ? "" : "s"}` +
        (f.factors.length ? ` (${symbols})` : "") + ", written at step "));
      head.appendChild(stepButtons(this.writersOf(array, flat)));
      this.formula.appendChild(head);
      this.formula.appendChild(line);
      this.formula.appendChild(el("p", { class: "tp-hint", text: "Hover or focus a term for the cells it multiplies; click the cell again to unpin." }));
    } else if (this.selected) {
      const { array, flat } = this.selected;
      this.cells[array][flat].classList.add("tp-selected");
      const steps = this.readersOf(array, flat);
      const outputs = [];
      for (const f of call.formulas) {
        const g = f.same ? this.formulaOf(f.array, f.index) : f;
        const uses = g.terms.some((t) => t.some((x, q) => g.factors[q] === array && x === flat)) ||
          (g.plus || []).some((t) => t.some(([n, x]) => n === array && x === flat));
        if (uses) outputs.push([f.array, f.index]);
      }
      outputs.forEach(([n, x]) => this.cells[n] && this.cells[n][x] && this.cells[n][x].classList.add("tp-reader"));
      const head = el("p", { class: "tp-formula-head" }, [el("strong", { text: named(array, idx(array, flat)) })]);
      head.appendChild(document.createTextNode(steps.length ? ` is read by ${steps.length} step${steps.length === 1 ? "" : "s"}: ` : " is read by no step."));
      if (steps.length) head.appendChild(stepButtons(steps));
      this.formula.appendChild(head);
      if (outputs.length) {
        const names = [...new Set(outputs.map(([n]) => n))].join(", ");
        this.formula.appendChild(el("p", { class: "tp-hint", text: `${outputs.length} output cell${outputs.length === 1 ? "" : "s"} of ${names} use it (marked).` }));
      }
    } else {
      this.formula.appendChild(el("p", { class: "tp-hint", text: "Click (or Enter on) an output cell to see its formula with the numbers; an input cell to mark every step and output that reads it." }));
    }
  };

  Playground.prototype.drawCode = function () {
    this.code.textContent = "";
    const c = this.payload.code;
    this.code.appendChild(el("p", { class: "tp-code-title", text: "The course's call" }));
    this.code.appendChild(el("pre", {}, [el("code", { class: "language-python", text: c.course })]));
    this.code.appendChild(el("p", { class: "tp-code-title", text: "The same numbers from torch" }));
    this.code.appendChild(el("pre", {}, [el("code", { class: "language-python", text: c.torch })]));
  };

  // -- playing and keys ------------------------------------------------------------------------------
  Playground.prototype.stop = function () {
    if (this.timer !== null) window.clearInterval(this.timer);
    this.timer = null;
    this.play.textContent = "\u25B6 Play";
  };
  Playground.prototype.toggle = function () {
    if (this.timer !== null) return this.stop();
    if (this.k === this.n) this.show(0);
    this.play.textContent = "\u275A\u275A Pause";
    this.timer = window.setInterval(() => {
      if (this.k >= this.n) this.stop();
      else this.show(this.k + 1);
    }, PLAY_MS);
  };
  Playground.prototype.key = function (e) {
    const t = e.target;
    if (t.tagName === "SELECT") return;
    if (t === this.slider && (e.key === "ArrowLeft" || e.key === "ArrowRight")) return; // the slider steps itself
    if (e.key === "ArrowLeft") { this.stop(); this.show(this.k - 1); }
    else if (e.key === "ArrowRight") { this.stop(); this.show(this.k + 1); }
    else if (e.key === "Home" && t.tagName !== "TD") { this.stop(); this.show(0); }
    else if (e.key === "End" && t.tagName !== "TD") { this.stop(); this.show(this.n); }
    else if ((e.key === " " || e.key === "Spacebar") && t.tagName !== "BUTTON") this.toggle();
    else return;
    e.preventDefault();
  };

  function init() {
    const root = document.getElementById("tracer-playground");
    if (!root || root.dataset.ready) return;
    if (!P.index || typeof DecompressionStream === "undefined") {
      root.querySelector(".tp-noscript-text") && (root.querySelector(".tp-noscript-text").hidden = false);
      return;
    }
    root.dataset.ready = "1";
    P.playground = new Playground(root);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
