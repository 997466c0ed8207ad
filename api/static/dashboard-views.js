// carbonkit dashboard, the views a province works in: selectors filled from GET /v1/dashboard/context, cities as
// tiles coloured by progress (GET /v1/progress?region=), a city -> county/park -> enterprise drill-down with a
// breadcrumb (GET /v1/aggregates), the carbon budget (POST /v1/budgets), sortable tables downloadable as CSV and
// .xlsx. Names come from the context (GB/T 2260, GB/T 4754-2017, the register); figure names and units from the
// indicator catalog. The key stays in sessionStorage and the Authorization header. No inline code.
"use strict";
(function () {
  const $ = (id) => document.getElementById(id);
  const num = (x, d) => (x === null || x === undefined || Number.isNaN(x)) ? "–" : Number(x).toFixed(d);
  const pct = (x) => (x === null || x === undefined) ? "–" : (x * 100).toFixed(2) + " %";
  const FORMULA = /^[=+\-@\t\r]/;
  const view = {ctx: null, key: null, year: null, dual: false, path: [], headline: null};

  function el(tag, text, attrs) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    return node;
  }

  async function call(path, key, body) {
    const init = {headers: {"Authorization": "Bearer " + key, "Accept": "application/json"}, cache: "no-store",
                  credentials: "omit", referrerPolicy: "no-referrer"};
    if (body !== undefined) {
      init.method = "POST";
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
    const r = await fetch(path, init);
    if (!r.ok) throw new Error("HTTP " + r.status);
    return r;
  }
  const getJSON = async (path, key, body) => (await call(path, key, body)).json();

  // ------------------------------------------------------------------ tables: cells with raw values, sort, download
  // rows: [{attrs, cells: [[field, text, raw?], ...]}]; a raw number is kept in data-value for sorting and downloads
  function fill(id, head, rows) {
    const t = $(id);
    t.replaceChildren();
    const tr = el("tr");
    head.forEach((h, i) => tr.appendChild(el("th", h, {"data-col": String(i), title: "点击排序 click to sort"})));
    t.appendChild(el("thead")).appendChild(tr);
    const body = t.appendChild(el("tbody"));
    for (const row of rows) {
      const r = body.appendChild(el("tr", null, row.attrs || {}));
      for (const [field, text, raw] of row.cells) {
        const td = r.appendChild(el("td", text, {"data-field": field}));
        if (typeof raw === "number" && Number.isFinite(raw)) td.setAttribute("data-value", String(raw));
      }
    }
  }

  function cellValue(td) {
    if (td.hasAttribute("data-value")) return Number(td.getAttribute("data-value"));
    const t = td.textContent.trim();
    return /^-?\d+(\.\d+)?( %)?$/.test(t) ? parseFloat(t) : t;
  }

  function sortBy(th) {
    const table = th.closest("table"), col = Number(th.getAttribute("data-col"));
    const down = th.getAttribute("aria-sort") === "ascending";
    for (const other of table.querySelectorAll("th")) other.removeAttribute("aria-sort");
    th.setAttribute("aria-sort", down ? "descending" : "ascending");
    const body = table.tBodies[0];
    const rows = Array.from(body.rows);
    rows.sort((a, b) => {
      const x = cellValue(a.cells[col]), y = cellValue(b.cells[col]);
      const c = (typeof x === "number" && typeof y === "number") ? x - y : String(x).localeCompare(String(y), "zh");
      return down ? -c : c;
    });
    for (const r of rows) body.appendChild(r);
  }

  function tableData(table) {
    const head = Array.from(table.querySelectorAll("thead th")).map((th) => th.textContent.trim());
    const rows = Array.from(table.tBodies[0] ? table.tBodies[0].rows : []).map((r) =>
      Array.from(r.cells).map((td) => td.hasAttribute("data-value") ? Number(td.getAttribute("data-value")) : td.textContent));
    return {head, rows};
  }

  const safe = (v) => (typeof v === "string" && FORMULA.test(v)) ? "'" + v : v;  // no formula in a spreadsheet

  function csvOf(data) {
    const quote = (v) => { const s = String(safe(v) ?? ""); return /[",\n\r]/.test(s) ? '"' + s.replace(/"/g, '""') + '"' : s; };
    return "\ufeff" + [data.head].concat(data.rows).map((r) => r.map(quote).join(",")).join("\r\n") + "\r\n";
  }

  function save(blob, name) {
    const url = URL.createObjectURL(blob);
    const a = el("a", null, {href: url, download: name});
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
  }

  async function download(box, kind) {
    const title = box.getAttribute("data-title"), data = tableData(box.querySelector("table"));
    if (kind === "csv") return save(new Blob([csvOf(data)], {type: "text/csv;charset=utf-8"}), title + ".csv");
    const r = await call("/v1/dashboard/table.xlsx", sessionStorage.getItem("carbonkit.dashboard.key"),
                         {title: title, head: data.head, rows: data.rows});
    save(await r.blob(), title + ".xlsx");
  }

  function addDownloads() {
    for (const box of document.querySelectorAll(".tablebox")) {
      if (box.querySelector(".downloads")) continue;
      const bar = el("p", null, {class: "downloads"});
      for (const kind of ["csv", "xlsx"]) {
        const b = bar.appendChild(el("button", "下载 " + kind.toUpperCase(), {type: "button", "data-download": kind}));
        b.addEventListener("click", () => download(box, kind));
      }
      box.insertBefore(bar, box.firstChild);
    }
  }

  // ------------------------------------------------------------------ selectors
  function options(id, items, keepFirst) {
    const s = $(id), was = s.value;
    const first = keepFirst ? s.options[0] : null;
    s.replaceChildren();
    if (first) s.appendChild(first);
    for (const [value, text] of items) s.appendChild(el("option", text, {value: value}));
    if (Array.from(s.options).some((o) => o.value === was)) s.value = was;
  }

  const indicatorText = (i) => i.name_zh + " [" + (i.unit_zh || i.unit) + "]";

  function fillSelectors(ctx) {
    options("year", ctx.years.slice().reverse().map((y) => [String(y), String(y)]), true);
    options("park", ctx.parks.map((p) => [p.id, p.name + " (" + p.id + ")"]), true);
    options("industry", ctx.sections.map((s) => [s.code, s.code + " " + s.name]).concat(
      ctx.divisions.map((d) => [d.code, "　" + d.code + " " + d.name])), true);
    const rank = (i) => view.dual ? (i.column.startsWith("co2") ? 0 : 1) : (i.column.startsWith("energy") ? 0 : 1);
    const list = ctx.indicators.slice().sort((a, b) => rank(a) - rank(b));
    const had = $("indicator").value;
    options("indicator", list.map((i) => [i.column, indicatorText(i)]), false);
    if (!had) $("indicator").value = view.dual ? "co2_intensity_comparable_tco2_per_10k_cny"
                                                : "energy_intensity_comparable_tce_per_10k_cny";
  }

  const indicator = () => view.ctx.indicators.find((i) => i.column === $("indicator").value) || view.ctx.indicators[0];
  const cityName = (code) => (view.ctx.cities.find((c) => c.code === code) || {name: code}).name;
  const countyName = (code) => (view.ctx.counties.find((c) => c.code === code) || {name: code}).name;
  const parkName = (id) => (view.ctx.parks.find((p) => p.id === id) || {name: id}).name;
  const divisionName = (code) => (view.ctx.divisions.find((d) => d.code === code) || {name: code || ""}).name;

  // ------------------------------------------------------------------ tiles: cities by progress against the target
  function headlineOf(p) {
    const lines = p.indicators.filter((i) => i.variant === "total" && i.cumulative_change !== null);
    const co2 = lines.find((i) => String(i.target).startsWith("co2"));
    return (p.profile.base_year >= 2025 && co2) ? co2 : (lines.find((i) => i.target === "energy_intensity") || lines[0]);
  }

  async function tiles() {
    const box = $("city-tiles");
    box.replaceChildren();
    $("tiles-legend").textContent = "";
    if (view.ctx.scope.role !== "province" || $("park").value || view.path.length) return;
    const year = view.year ? "&year=" + view.year : "";
    const answers = await Promise.all(view.ctx.cities.map((c) =>
      getJSON("/v1/progress?region=" + c.code + year, view.key).catch(() => null)));
    view.ctx.cities.forEach((c, i) => {
      const p = answers[i], line = p ? headlineOf(p) : null;
      const state = !line || line.on_track === null ? "na" : line.on_track ? "on" : "off";
      const tile = el("button", null, {type: "button", class: "tile " + state, "data-city": c.code});
      tile.appendChild(el("span", c.name, {class: "tile-name"}));
      tile.appendChild(el("span", line ? pct(line.cumulative_change) : "–", {class: "tile-value", "data-field": "cumulative_change"}));
      tile.appendChild(el("span", line ? (line.label || line.target) : "无法计算 no progress", {class: "tile-label"}));
      tile.addEventListener("click", () => drill({level: "city", code: c.code, name: c.name}));
      box.appendChild(tile);
    });
    $("tiles-legend").textContent = "绿色：进度达标；红色：落后于所需进度；灰色：无法计算。基年以来累计变化。 " +
      "Green on track, red behind the required pace, grey not computable; change since the base year.";
  }

  // ------------------------------------------------------------------ drill-down over /v1/aggregates
  async function aggregates(level, filters, byIndustry) {
    const q = new URLSearchParams({level: level, period: String(view.year)});
    for (const [k, v] of Object.entries(filters)) if (v) q.set(k, v);
    if ($("industry").value) q.set("industry", $("industry").value);
    if (byIndustry) q.set("by_industry", "division");
    return getJSON("/v1/aggregates?" + q.toString(), view.key);
  }

  function figureColumns() {
    const chosen = indicator(), cat = view.ctx.indicators;
    const rest = ["co2_location_tco2", "energy_equivalent_tce", "value_added_10k_cny"]
      .filter((c) => c !== chosen.column).map((c) => cat.find((i) => i.column === c)).filter(Boolean);
    return [chosen].concat(rest);
  }

  function areaRows(groups, nameOf, keyField, extra) {
    const cols = figureColumns();
    const head = ["名称 name", "代码 code"].concat(extra ? ["行业 industry"] : [], ["已报 reporting", "应报 expected"],
                                                   cols.map(indicatorText));
    const rows = groups.map((g) => ({attrs: {"data-key": String(g[keyField])},
      cells: [["name", nameOf(g[keyField])], ["code", g[keyField]]].concat(
        extra ? [["industry", divisionName(g.division)]] : [],
        [["n_reporting", g.n_reporting, g.n_reporting], ["n_expected", g.n_expected, g.n_expected]],
        cols.map((c) => [c.column, num(g[c.column], c.aggregate === "ratio" ? 4 : 1), g[c.column]]))}));
    return [head, rows];
  }

  async function showLevel(tableId, level, filters, nameOf, keyField, next) {
    const answer = await aggregates(level, filters, level === "enterprise");
    const groups = answer.groups.filter((g) => g.n_expected > 0 || g.n_reporting > 0);
    const [head, rows] = areaRows(groups, nameOf, keyField, level === "enterprise");
    fill(tableId, head, rows);
    $(tableId).prepend(el("caption", LEVEL_NAMES[level] + " · " + view.year));
    if (!next) return;
    for (const tr of $(tableId).tBodies[0].rows) {
      tr.classList.add("link");
      tr.addEventListener("click", () => drill(next(tr.getAttribute("data-key"))));
    }
  }

  const LEVEL_NAMES = {city: "城市 cities", county: "区县 counties", park: "园区 parks", enterprise: "企业 enterprises"};

  function breadcrumb() {
    const nav = $("breadcrumb");
    nav.replaceChildren();
    const root = view.ctx.scope.role === "province" && !$("park").value ? "全省 province" : "园区 parks";
    const steps = [{name: root}].concat(view.path);
    steps.forEach((s, i) => {
      if (i) nav.appendChild(el("span", " › ", {class: "sep"}));
      const last = i === steps.length - 1;
      const node = nav.appendChild(el(last ? "span" : "a", s.name, last ? {"aria-current": "page"} : {href: "#", "data-depth": String(i)}));
      if (!last) node.addEventListener("click", (ev) => { ev.preventDefault(); view.path = view.path.slice(0, i); areas(); });
    });
  }

  function drill(step) {
    view.path = view.path.concat([step]);
    areas();
  }

  async function areas() {
    breadcrumb();
    for (const id of ["area-table", "park-table"]) $(id).replaceChildren();
    const here = view.path[view.path.length - 1];
    const toPark = (id) => ({level: "park", code: id, name: parkName(id)});
    const ent = (code) => ({level: "enterprise", code: code, name: view.ctx.enterprises[code] || code});
    const province = view.ctx.scope.role === "province" && !$("park").value;
    if (!here && province) {
      await showLevel("area-table", "city", {}, cityName, "city", (code) => ({level: "city", code: code, name: cityName(code)}));
      await showLevel("park-table", "park", {}, parkName, "park", toPark);
    } else if (!here) {
      await showLevel("area-table", "park", {park: $("park").value}, parkName, "park", toPark);
    } else if (here.level === "city") {
      await showLevel("area-table", "county", {region: here.code}, countyName, "county",
                      (code) => ({level: "county", code: code, name: countyName(code)}));
      await showLevel("park-table", "park", {region: here.code}, parkName, "park", toPark);
    } else if (here.level === "county") {
      await showLevel("area-table", "enterprise", {region: here.code}, (e) => view.ctx.enterprises[e] || e, "enterprise", null);
    } else if (here.level === "park") {
      await showLevel("area-table", "enterprise", {park: here.code}, (e) => view.ctx.enterprises[e] || e, "enterprise", null);
    }
    $("park-table").closest(".tablebox").hidden = !$("park-table").rows.length;
    await tiles();
    document.dispatchEvent(new CustomEvent("carbonkit:areas"));
  }

  // ------------------------------------------------------------------ carbon budget (2026-2030 profiles)
  async function budget(p) {
    const scope = $("park").value || (view.ctx.scope.role === "park" ? view.ctx.scope.parks[0] : (p.region || "").slice(0, 2));
    const kind = ($("park").value || view.ctx.scope.role === "park") ? "park" : "region";
    const row = {scope: scope, kind: kind, start_year: Number($("budget-start").value),
                 end_year: Number($("budget-end").value), budget_tco2: Number($("budget-value").value)};
    const answer = await getJSON("/v1/budgets", view.key, {year: p.year, budgets: [row]});
    const cols = [["scope", "范围 scope"], ["budget_tco2", "预算 budget [tCO2]"], ["used_tco2", "已用 used [tCO2]"],
                  ["remaining_tco2", "剩余 remaining [tCO2]"], ["share_used", "已用占比 used"],
                  ["even_share", "均匀进度 even share"], ["run_out_year", "用尽年份 run-out year"]];
    fill("budget-table", cols.map((c) => c[1]), answer.budgets.map((b) => ({attrs: {"data-scope": String(b.scope)},
      cells: cols.map(([f]) => [f, f.startsWith("share") || f === "even_share" ? pct(b[f]) :
                                   typeof b[f] === "number" && f.endsWith("tco2") ? num(b[f], 1) : (b[f] ?? "–"), b[f]])})));
  }

  function coverageLine(p) {
    const cov = p.panel_coverage, box = $("panel-coverage");
    box.textContent = "";
    if (!cov || !cov.panel) return;
    box.textContent = (cov.panel === "balanced" ? "平衡面板 balanced panel" : "全部企业 all enterprises") + "：" +
      cov.n_panel + " / " + cov.n_with_value_added + " 家企业 enterprises · 增加值占比 of value added " +
      pct(cov.share_value_added) + " · 能耗占比 of energy " + pct(cov.share_energy);
  }

  // ------------------------------------------------------------------ entry points used by dashboard.js
  // the progress table's units in Chinese words where the catalog spells them (tce/10^4 CNY -> 吨标准煤/万元)
  function chineseUnits() {
    const zh = {};
    for (const i of view.ctx.indicators) if (i.unit_zh) zh[i.unit] = i.unit_zh;
    for (const td of document.querySelectorAll("#progress-table td[data-field='unit']")) {
      const unit = td.textContent.trim();
      if (zh[unit]) { td.textContent = zh[unit]; td.setAttribute("title", unit); }
    }
  }

  // p: the /v1/progress answer, or null when progress cannot be computed (the areas are still shown)
  async function show(key, p) {
    view.key = key;
    view.dual = Boolean(p && p.profile.base_year >= 2025);
    const park = $("park").value;
    view.ctx = await getJSON("/v1/dashboard/context" + (park ? "?park=" + encodeURIComponent(park) : ""), key);
    fillSelectors(view.ctx);
    chineseUnits();
    view.year = p ? p.year : (Number($("year").value) || view.ctx.years[view.ctx.years.length - 1]);
    if (!view.year) return;
    if (p) coverageLine(p);
    $("budget-section").hidden = !view.dual;
    if (view.dual && !$("budget-start").value) {
      $("budget-start").value = String(p.profile.base_year + 1);
      $("budget-end").value = String(p.profile.target_year);
    }
    view.lastProgress = p;
    await areas();
    addDownloads();
  }

  function reset() {
    view.path = [];
    for (const id of ["area-table", "park-table", "budget-table", "city-tiles", "breadcrumb", "panel-coverage", "tiles-legend"]) {
      $(id).replaceChildren();
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    document.addEventListener("click", (ev) => {
      const th = ev.target.closest("#results th[data-col]");
      if (th) sortBy(th);
    });
    $("indicator").addEventListener("change", () => { if (view.ctx) areas(); });
    $("industry").addEventListener("change", () => { if (view.ctx) areas(); });
    $("budget-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      if (view.lastProgress) budget(view.lastProgress).catch((e) => fill("budget-table", ["错误 error"],
                                                                          [{cells: [["error", e.message]]}]));
    });
  });

  window.CarbonkitViews = {show: show, reset: reset, addDownloads: addDownloads, fill: fill, csvOf: csvOf};
})();
