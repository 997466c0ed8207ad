// carbonkit dashboard: reads /v1/progress and /v1/decomposition with the key kept in sessionStorage.
// No inline code, no external resources; charts are SVG elements built here.
"use strict";
(function () {
  const STORE = "carbonkit.dashboard.key";
  const SVG = "http://www.w3.org/2000/svg";
  const $ = (id) => document.getElementById(id);

  // Number formats shared with the browser test: fixed decimals, no locale grouping.
  const num = (x, d) => (x === null || x === undefined || Number.isNaN(x)) ? "–" : Number(x).toFixed(d);
  const pct = (x) => (x === null || x === undefined) ? "–" : (x * 100).toFixed(2) + " %";

  function el(tag, text, attrs) {
    const node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, v);
    return node;
  }

  function svg(tag, attrs, text) {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs || {})) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = String(text);
    return node;
  }

  function table(id, head, rows) {
    const t = $(id);
    t.replaceChildren();
    const tr = el("tr");
    for (const h of head) tr.appendChild(el("th", h));
    t.appendChild(el("thead")).appendChild(tr);
    const body = t.appendChild(el("tbody"));
    for (const row of rows) {
      const r = body.appendChild(el("tr", null, row.attrs || {}));
      for (const [field, text] of row.cells) r.appendChild(el("td", text, {"data-field": field}));
    }
  }

  function setStatus(text, kind) {
    const s = $("status");
    s.textContent = text;
    s.className = kind || "";
  }

  function clearResults() {
    $("results").hidden = true;
    for (const id of ["progress-table", "decomposition-table", "contributors-table", "coverage-table",
                      "progress-chart", "decomposition-chart", "progress-scope", "progress-notes"]) {
      $(id).replaceChildren();
    }
    window.CarbonkitViews.reset();
  }

  class Refused extends Error {}
  class Failed extends Error {}

  async function getJSON(path, key) {
    const r = await fetch(path, {headers: {"Authorization": "Bearer " + key, "Accept": "application/json"},
                                 cache: "no-store", credentials: "omit", referrerPolicy: "no-referrer"});
    if (r.status === 401 || r.status === 403) throw new Refused();
    let body = null;
    try { body = await r.json(); } catch (e) { body = null; }
    if (!r.ok) {
      const problems = body && body.problems ? body.problems.map((p) => p.message).join("; ") : "";
      throw new Failed(problems || (body && typeof body.detail === "string" ? body.detail : "HTTP " + r.status));
    }
    return body;
  }

  function refuse() {
    sessionStorage.removeItem(STORE);
    clearResults();
    setStatus("密钥被拒绝：服务不接受此密钥，或它不是省级/园区密钥。没有显示任何数据。 " +
              "Key refused: the service does not accept this key, or it is not a province or park key. No data shown.",
              "refused");
  }

  // ------------------------------------------------------------------ progress
  // a text from the API in Chinese and English (the zh text first), once when both are the same
  const both = (zh, en) => (zh && en && zh !== en ? zh + " " + en : en || zh || "");

  function renderProgress(p) {
    const scope = p.scope.parks ? "园区 parks: " + p.scope.parks.join(", ") : "省 province: " + (p.region || "");
    $("progress-scope").textContent = p.profile.title + " (" + p.profile.id + ") · " + scope +
      " · 基年 base year " + p.profile.base_year + " · 目标年 target year " + p.profile.target_year +
      " · 当年 year " + p.year + " · price basis " + p.price_basis;
    // carbon dual control (a profile based on 2025 or later): CO2 intensity first, energy intensity below it
    const dual = p.profile.base_year >= 2025;
    const rank = (i) => (dual ? (i.indicator.startsWith("co2") ? 0 : i.indicator === "energy_intensity" ? 2 : 1) : 0);
    const indicators = p.indicators.slice().sort((a, b) => rank(a) - rank(b));
    const rows = indicators.map((i) => ({
      attrs: {"data-target": i.target, "data-variant": i.variant},
      cells: [["label", i.label], ["variant", i.variant], ["unit", i.unit],
              ["base_value", num(i.base_value, 4)], ["value", num(i.value, 4)],
              ["cumulative_change", pct(i.cumulative_change)], ["target_decline", pct(i.target_decline)],
              ["required_annual_pace", pct(i.required_annual_pace)], ["achieved_annual_pace", pct(i.achieved_annual_pace)],
              ["on_track", i.on_track === true ? "达标 on track" : i.on_track === false ? "落后 behind" : "–"],
              ["status", both(i.status_zh, i.status)], ["reason", both(i.reason_zh, i.reason)]]}));
    table("progress-table", ["指标 indicator", "口径 variant", "单位 unit", "基年值 base", "当年值 value",
                             "累计变化 cumulative change", "目标降幅 target decline", "所需年均降速 required pace",
                             "实际年均降速 achieved pace", "进度 on track", "核实 status", "说明 note"], rows);
    const notes = (p.unverified || []).join("; ");
    $("progress-notes").textContent = notes ? "未核实 unverified: " + notes : "";
    const line = indicators.find((i) => i.cumulative_change !== null && i.required_annual_pace !== null &&
                                        i.variant === "total");
    if (line) $("progress-chart").appendChild(progressChart(p, line));
  }

  function progressChart(p, line) {
    const key = line.target + "." + line.variant;
    const actual = (p.series || []).filter((s) => s[key] !== undefined && s[key] !== null)
      .map((s) => [s.year, s[key]]);
    const base = p.profile.base_year, end = p.profile.target_year;
    const pace = [];
    for (let y = base; y <= end; y++) pace.push([y, line.base_value * Math.pow(1 - line.required_annual_pace, y - base)]);
    const all = actual.concat(pace).map((v) => v[1]);
    if (line.target_value !== null) all.push(line.target_value);
    const lo = Math.min(...all) * 0.95, hi = Math.max(...all) * 1.05 || 1;
    const W = 640, H = 260, L = 60, R = 20, T = 20, B = 40;
    const x = (y) => L + (end === base ? 0 : (y - base) / (end - base)) * (W - L - R);
    const yv = (v) => T + (hi === lo ? 0.5 : (hi - v) / (hi - lo)) * (H - T - B);
    const s = svg("svg", {viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img",
                          "aria-label": "progress against the required pace"});
    s.appendChild(svg("line", {x1: L, y1: H - B, x2: W - R, y2: H - B, stroke: "#888"}));
    s.appendChild(svg("line", {x1: L, y1: T, x2: L, y2: H - B, stroke: "#888"}));
    for (let y = base; y <= end; y++) s.appendChild(svg("text", {x: x(y), y: H - B + 16, "text-anchor": "middle",
                                                                 "font-size": 11}, y));
    for (const v of [lo, (lo + hi) / 2, hi]) s.appendChild(svg("text", {x: L - 4, y: yv(v) + 4, "text-anchor": "end",
                                                                       "font-size": 10}, v.toPrecision(3)));
    const path = (pts) => pts.map((q) => x(q[0]).toFixed(1) + "," + yv(q[1]).toFixed(1)).join(" ");
    s.appendChild(svg("polyline", {points: path(pace), fill: "none", stroke: "#999", "stroke-dasharray": "5 4",
                                   "stroke-width": 2, "data-series": "required"}));
    s.appendChild(svg("polyline", {points: path(actual), fill: "none", stroke: line.on_track ? "#1a7f37" : "#c62828",
                                   "stroke-width": 3, "data-series": "actual"}));
    for (const q of actual) s.appendChild(svg("circle", {cx: x(q[0]), cy: yv(q[1]), r: 4,
                                                         fill: line.on_track ? "#1a7f37" : "#c62828"}));
    if (line.target_value !== null) s.appendChild(svg("circle", {cx: x(end), cy: yv(line.target_value), r: 5,
                                                                 fill: "none", stroke: "#333", "stroke-width": 2}));
    s.appendChild(svg("text", {x: L + 6, y: T + 4, "font-size": 12},
                      line.label + " [" + line.unit + "] — 实线 actual, 虚线 required pace, 圆圈 target"));
    return s;
  }

  // ------------------------------------------------------------------ decomposition
  function renderDecomposition(d) {
    const a = d.additive, m = d.multiplicative;
    table("decomposition-table", ["项目 item", "加法 additive [" + d.unit + "]", "乘法 multiplicative"], [
      {cells: [["item", "起点强度 I0 (" + d.start + ")"], ["I0", num(d.I0, 4)], ["m", ""]]},
      {cells: [["item", "结构效应 structure effect"], ["structure", num(a.structure, 4)], ["structure_m", num(m.structure, 4)]]},
      {cells: [["item", "强度效应 intensity effect"], ["intensity", num(a.intensity, 4)], ["intensity_m", num(m.intensity, 4)]]},
      {cells: [["item", "终点强度 IT (" + d.end + ")"], ["IT", num(d.IT, 4)], ["ratio", num(d.ratio, 4)]]},
      {cells: [["item", "变化 change"], ["change", num(d.change, 4)], ["m", ""]]}]);
    const keys = d.by;
    table("contributors-table", keys.concat(["结构 structure", "强度 intensity", "合计 total", "占比 share"]),
          d.contributions.map((c) => ({attrs: {"data-group": keys.map((k) => c[k]).join("/")},
                                       cells: keys.map((k) => [k, c[k]]).concat([
                                         ["structure", num(c.structure, 4)], ["intensity", num(c.intensity, 4)],
                                         ["total", num(c.total, 4)], ["share_of_change", pct(c.share_of_change)]])})));
    $("decomposition-chart").appendChild(waterfall(d));
  }

  function waterfall(d) {
    const steps = [["I0", d.I0, 0], ["structure", d.additive.structure, d.I0],
                   ["intensity", d.additive.intensity, d.I0 + d.additive.structure], ["IT", d.IT, 0]];
    const tops = steps.map((s) => s[2] + Math.max(s[1], 0)).concat(steps.map((s) => s[2] + s[1]));
    const hi = Math.max(...tops, 1e-12) * 1.1;
    const W = 480, H = 240, L = 20, T = 20, B = 40, bw = 80, gap = 30;
    const y = (v) => T + (hi - v) / hi * (H - T - B);
    const s = svg("svg", {viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: "img", "aria-label": "decomposition waterfall"});
    steps.forEach(([name, value, start], i) => {
      const a = start, b = start + value;
      const top = y(Math.max(a, b)), height = Math.max(Math.abs(y(a) - y(b)), 1);
      const fill = (name === "I0" || name === "IT") ? "#4a6fa5" : value < 0 ? "#1a7f37" : "#c62828";
      s.appendChild(svg("rect", {x: L + i * (bw + gap), y: top, width: bw, height: height, fill: fill}));
      s.appendChild(svg("text", {x: L + i * (bw + gap) + bw / 2, y: H - B + 16, "text-anchor": "middle", "font-size": 12}, name));
      s.appendChild(svg("text", {x: L + i * (bw + gap) + bw / 2, y: top - 4, "text-anchor": "middle", "font-size": 11},
                        num(value, 4)));
    });
    s.appendChild(svg("line", {x1: L, y1: H - B, x2: W - L, y2: H - B, stroke: "#888"}));
    return s;
  }

  // ------------------------------------------------------------------ coverage
  function renderCoverage(p) {
    const years = Object.keys(p.coverage || {}).sort();
    table("coverage-table", ["年份 year", "应报 expected", "已报 reporting", "缺报 missing", "覆盖率 coverage", "缺报企业 missing enterprises"],
          years.map((y) => {
            const c = p.coverage[y];
            const share = c.n_expected ? c.n_reporting / c.n_expected : null;
            return {attrs: {"data-year": y},
                    cells: [["year", y], ["n_expected", c.n_expected], ["n_reporting", c.n_reporting],
                            ["n_missing", c.n_missing], ["coverage", pct(share)],
                            ["missing", (c.missing || []).slice(0, 20).join(", ") + ((c.missing || []).length > 20 ? " …" : "")]]};
          }));
  }

  // ------------------------------------------------------------------ the HTML report (GET /v1/progress/report)
  async function download(lang) {
    const key = sessionStorage.getItem(STORE);
    if (!key) return;
    const q = new URLSearchParams({lang: lang});
    const year = $("year").value.trim(), park = $("park").value.trim();
    if (year) q.set("year", year);
    if (park) q.set("park", park);
    setStatus("正在生成报告… Drawing the report…", "");
    const r = await fetch("/v1/progress/report?" + q.toString(), {
      headers: {"Authorization": "Bearer " + key, "Accept": "text/html"}, cache: "no-store", credentials: "omit",
      referrerPolicy: "no-referrer"});
    if (r.status === 401 || r.status === 403) return refuse();
    if (!r.ok) { setStatus("无法生成报告 report not available: HTTP " + r.status, "error"); return; }
    const name = (/filename="([^"]+)"/.exec(r.headers.get("Content-Disposition") || "") || [])[1] || "report.html";
    const url = URL.createObjectURL(await r.blob());
    const a = el("a", null, {href: url, download: name});
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 10000);
    setStatus("报告已下载 report downloaded: " + name, "ok");
  }

  // ------------------------------------------------------------------ what the scope has, when progress cannot be shown
  // A park whose enterprises did not report in the base year still has figures: its annual sums per period,
  // named and united as the indicator catalog (GET /v1/indicators) names them.
  const HOLDINGS = ["energy_equivalent_tce", "energy_equal_tce", "co2_location_tco2", "value_added_10k_cny",
                    "energy_intensity_tce_per_10k_cny"];

  async function showHoldings(key, year, park, why) {
    const last = year ? Number(year) : new Date().getFullYear();
    const q = new URLSearchParams({level: park ? "park" : "province"});
    for (let y = last - 10; y <= last; y++) q.append("period", String(y));
    if (park) q.set("park", park);
    let agg, catalog;
    try {
      [agg, catalog] = await Promise.all([getJSON("/v1/aggregates?" + q.toString(), key), getJSON("/v1/indicators", key)]);
    } catch (e) {
      if (e instanceof Refused) return refuse();
      return;
    }
    const groups = (agg.groups || []).filter((g) => g.n_reporting > 0);
    if (!groups.length) return;
    const head = ["期间 period", "已报 reporting"].concat(HOLDINGS.map((c) =>
      catalog[c] ? catalog[c].name_zh + " " + catalog[c].name_en + " [" + catalog[c].unit + "]" : c));
    table("progress-table", head, groups.map((g) => ({attrs: {"data-period": g.period},
      cells: [["period", g.period], ["n_reporting", g.n_reporting]].concat(
        HOLDINGS.map((c) => [c, num(g[c], c.includes("intensity") ? 4 : 1)]))})));
    $("progress-scope").textContent = "无法计算目标进度（" + why + "）；下表为已报送的数据。 " +
      "Progress cannot be computed (" + why + "); the table shows the data reported.";
    $("results").hidden = false;
    try { await window.CarbonkitViews.show(key, null); } catch (e) { /* the holdings table stands alone */ }
    setStatus("已加载已报送数据 loaded the reported data.", "ok");
  }

  // ------------------------------------------------------------------ flow
  async function load() {
    const key = sessionStorage.getItem(STORE);
    clearResults();
    if (!key) { setStatus("请输入 API 密钥。 Enter an API key.", ""); return; }
    setStatus("加载中… Loading…", "");
    const q = new URLSearchParams({series: "true"});
    const year = $("year").value.trim(), park = $("park").value.trim();
    if (year) q.set("year", year);
    if (park) q.set("park", park);
    let p;
    try {
      p = await getJSON("/v1/progress?" + q.toString(), key);
    } catch (e) {
      if (e instanceof Refused) return refuse();
      clearResults();
      setStatus("无法计算进度 progress not available: " + e.message, "error");
      return showHoldings(key, year, park, e.message);
    }
    renderProgress(p);
    renderCoverage(p);
    $("results").hidden = false;
    try {
      await window.CarbonkitViews.show(key, p);
    } catch (e) {
      if (e instanceof Refused) return refuse();
      setStatus("无法加载地区 regions not available: " + e.message, "error");
      return;
    }
    const dq = new URLSearchParams({start: String(p.profile.base_year), end: String(p.year), top: "10"});
    if (park) dq.set("park", park);
    try {
      renderDecomposition(await getJSON("/v1/decomposition?" + dq.toString(), key));
      setStatus("已加载 loaded.", "ok");
    } catch (e) {
      if (e instanceof Refused) return refuse();
      $("decomposition-table").replaceChildren(el("caption", "无法分解 decomposition not available: " + e.message));
      setStatus("已加载（分解不可用） loaded (no decomposition).", "ok");
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    $("key-form").addEventListener("submit", (ev) => {
      ev.preventDefault();
      const key = $("key").value.trim();
      $("key").value = "";
      if (key) sessionStorage.setItem(STORE, key);  // an empty key field keeps the stored key: "forget" erases it
      load();
    });
    for (const id of ["report-zh", "report-en"]) {
      $(id).addEventListener("click", (ev) => download(ev.currentTarget.getAttribute("data-lang")));
    }
    // a new year or park reloads with the stored key (the key field stays empty)
    for (const id of ["year", "park"]) $(id).addEventListener("change", () => { clearResults(); load(); });
    $("forget").addEventListener("click", () => {
      sessionStorage.removeItem(STORE);
      clearResults();
      setStatus("密钥已清除。 Key forgotten.", "");
    });
    load();
  });
})();
