// The faasm console: one page over the edge's HTTP API, no build step.
// The user name is remembered in localStorage; an API key only in sessionStorage (this tab, this session).
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") e.className = v;
    else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (v !== null && v !== undefined) e.setAttribute(k, v);
  }
  for (const kid of kids.flat()) {
    if (kid !== null && kid !== undefined) e.append(kid instanceof Node ? kid : String(kid));
  }
  return e;
};

const state = { tab: "functions", user: "", callId: null, replayId: null, timers: {} };

// ---- HTTP ------------------------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(status, message, body) { super(message); this.status = status; this.body = body; }
}

async function api(path, options = {}) {
  const headers = Object.assign({}, options.headers || {});
  const key = sessionStorage.getItem("faasm.key");
  if (key) headers["Authorization"] = "Bearer " + key;
  let response;
  try {
    response = await fetch(path, Object.assign({}, options, { headers }));
  } catch (e) {
    banner("The platform is unreachable: " + e.message);
    throw e;
  }
  if (response.status === 401 || response.status === 403) {
    banner("The platform asks for a key (" + response.status + "): enter it at the top right.");
  } else {
    banner(null);
  }
  if (options.raw) {
    if (!response.ok) throw new ApiError(response.status, await errorMessage(response));
    return response;
  }
  const text = await response.text();
  let body = null;
  try { body = text ? JSON.parse(text) : null; } catch (e) { body = null; }
  if (!response.ok && response.status !== 202) {
    throw new ApiError(response.status, (body && body.error) || text || ("HTTP " + response.status), body);
  }
  return { status: response.status, body, text, headers: response.headers };
}

async function errorMessage(response) {
  const text = await response.text();
  try { return JSON.parse(text).error || text; } catch (e) { return text || ("HTTP " + response.status); }
}

function banner(message) {
  const b = $("#banner");
  b.hidden = !message;
  b.textContent = message || "";
}

// ---- formatting ------------------------------------------------------------------------------------------------

const fmtTime = iso => iso ? new Date(iso).toLocaleTimeString([], { hour12: false }) : "";
const fmtDateTime = iso => iso ? new Date(iso).toLocaleString([], { hour12: false }) : "";
const fmtSize = n => n < 1024 ? n + " B" : n < 1048576 ? (n / 1024).toFixed(1) + " KiB" : (n / 1048576).toFixed(1) + " MiB";
const fmtPct = x => x === null || x === undefined ? "" : (100 * x).toFixed(x > 0 && x < 0.01 ? 2 : 0) + "%";
const statusBadge = s => el("span", { class: "badge s-" + s }, s);

/** Text when the bytes are UTF-8 (and mostly printable), else a hex dump. */
function showBytes(buffer) {
  const bytes = new Uint8Array(buffer);
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    if (!/[\u0000-\u0008\u000e-\u001f]/.test(text)) return { kind: "text", text };
  } catch (e) { /* not UTF-8: hex below */ }
  const lines = [];
  for (let i = 0; i < bytes.length && i < 4096; i += 16) {
    const row = Array.from(bytes.slice(i, i + 16));
    lines.push(i.toString(16).padStart(6, "0") + "  " + row.map(b => b.toString(16).padStart(2, "0")).join(" ").padEnd(48)
      + "  " + row.map(b => b >= 32 && b < 127 ? String.fromCharCode(b) : ".").join(""));
  }
  if (bytes.length > 4096) lines.push("… " + (bytes.length - 4096) + " more bytes");
  return { kind: "hex, " + bytes.length + " bytes", text: lines.join("\n") };
}

// ---- tabs ------------------------------------------------------------------------------------------------------

function showTab(tab) {
  state.tab = tab;
  for (const b of document.querySelectorAll("nav button")) b.classList.toggle("active", b.dataset.tab === tab);
  for (const s of document.querySelectorAll("main > section")) s.hidden = s.id !== "tab-" + tab;
  refresh();
}

function refresh() {
  if (!state.user) return;
  if (state.tab === "functions") loadFunctions();
  if (state.tab === "calls") loadCalls();
  if (state.tab === "metrics") loadMetrics();
}

// ---- functions -------------------------------------------------------------------------------------------------

async function loadFunctions() {
  const user = state.user;
  const [list, stats] = await Promise.all([
    api("/f/" + encodeURIComponent(user) + "/"),
    api("/stats/" + encodeURIComponent(user)).catch(() => ({ body: { functions: [] } })),
  ]);
  const byName = new Map(stats.body.functions.map(f => [f.function, f]));
  const rows = list.body.map(f => {
    const s = byName.get(f.function);
    return el("tr", { "data-function": f.function, onclick: () => openInvoke(f.function) },
      el("td", {}, el("b", {}, f.function)),
      el("td", { class: "mono", title: f.digest }, f.digest.slice(0, 12)),
      el("td", { class: "num" }, fmtSize(f.size)),
      el("td", {}, fmtDateTime(f.uploadedAt)),
      el("td", { class: "num" }, s ? s.calls : 0),
      el("td", { class: "num" + (s && s.failed ? " bad" : "") }, s ? fmtPct(s.errorRate) : ""),
      el("td", {}, el("button", { class: "invoke", onclick: e => { e.stopPropagation(); openInvoke(f.function); } }, "Invoke")));
  });
  $("#functions tbody").replaceChildren(...(rows.length ? rows
    : [el("tr", {}, el("td", { colspan: 7, class: "msg" }, "No functions yet: drop a .wasm above."))]));
}

function openInvoke(fn) {
  $("#invoke").hidden = false;
  $("#invoke-fn").textContent = state.user + "/" + fn;
  $("#invoke").dataset.function = fn;
  $("#invoke-result").textContent = "";
  $("#invoke-status").textContent = "";
  $("#invoke-input").focus();
}

async function invoke() {
  const fn = $("#invoke").dataset.function;
  const async = $("#invoke-async").checked;
  const status = $("#invoke-status");
  const out = $("#invoke-result");
  status.className = "msg";
  status.textContent = "calling…";
  out.textContent = "";
  const path = (async ? "/fa/" : "/f/") + encodeURIComponent(state.user) + "/" + encodeURIComponent(fn) + "/";
  const key = sessionStorage.getItem("faasm.key");
  const response = await fetch(path, {
    method: "POST", body: $("#invoke-input").value,
    headers: key ? { "Authorization": "Bearer " + key } : {},
  });
  const callId = response.headers.get("X-Faasm-Call-Id");
  const buffer = await response.arrayBuffer();
  const link = callId ? el("a", { href: "#", class: "call-link", onclick: e => { e.preventDefault(); openCall(callId); } }, callId) : "";
  if (async && response.status === 202) {
    status.className = "msg ok";
    status.replaceChildren("queued as ", link);
    return;
  }
  const shown = showBytes(buffer);
  status.className = "msg " + (response.ok ? "ok" : "bad");
  status.replaceChildren(response.ok ? "succeeded" : "HTTP " + response.status, callId ? " · call " : "", link);
  out.textContent = shown.text;
  loadFunctions();
}

async function upload(file) {
  const msg = $("#upload-msg");
  let name = $("#upload-name").value.trim();
  if (!name) {
    name = file.name.replace(/\.wasm$/, "").replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 64);
    $("#upload-name").value = name;
  }
  msg.className = "msg";
  msg.textContent = "uploading " + file.name + " (" + fmtSize(file.size) + ") as " + state.user + "/" + name + "…";
  try {
    const r = await api("/f/" + encodeURIComponent(state.user) + "/" + encodeURIComponent(name) + "/",
      { method: "PUT", body: file });
    msg.className = "msg ok";
    msg.textContent = (r.status === 201 ? "uploaded " : "replaced ") + state.user + "/" + name + ", digest "
      + r.body.digest.slice(0, 12);
    loadFunctions();
  } catch (e) {
    msg.className = "msg bad";
    msg.textContent = "rejected (" + (e.status || "network") + "): " + e.message;
  }
}

// ---- calls -----------------------------------------------------------------------------------------------------

async function loadCalls() {
  const q = new URLSearchParams({ user: state.user, limit: "200" });
  const fn = $("#f-function").value.trim();
  const outcome = $("#f-outcome").value;
  if (fn) q.set("function", fn);
  if (outcome) q.set("outcome", outcome);
  let r;
  try {
    r = await api("/calls?" + q);
  } catch (e) {
    $("#calls-count").textContent = e.message;
    return;
  }
  const rows = r.body.calls.map(c => el("tr", {
      class: "call" + (c.callId === state.callId ? " selected" : ""), "data-id": c.callId,
      "data-status": c.status, onclick: () => openCall(c.callId) },
    el("td", { class: "mono" }, c.parentCallId ? "↳ " : "", c.callId),
    el("td", {}, c.function),
    el("td", { class: "s-" + c.status }, c.status + (c.failure ? " (" + c.failure.toLowerCase() + ")" : "")),
    el("td", { class: "num" }, c.durationMs ?? ""),
    el("td", {}, fmtTime(c.submittedAt))));
  $("#calls tbody").replaceChildren(...rows);
  $("#calls-count").textContent = (rows.length === 200 ? "the newest " : "") + rows.length + " call" + (rows.length === 1 ? "" : "s")
    + (r.body.complete ? "" : " (still reading the record…)");
}

async function openCall(callId) {
  state.callId = callId;
  if (state.tab !== "calls") showTab("calls");
  for (const tr of document.querySelectorAll("#calls tr.call")) tr.classList.toggle("selected", tr.dataset.id === callId);
  const panel = $("#call");
  panel.hidden = false;
  $("#call-id").textContent = callId;
  let call;
  try {
    call = (await api("/calls/" + callId)).body;
  } catch (e) {
    $("#call-status").replaceWith(el("span", { id: "call-status", class: "badge s-failed" }, "not found"));
    $("#call-facts").replaceChildren(el("dt", {}, "error"), el("dd", {}, e.message));
    return;
  }
  $("#call-status").replaceWith(el("span", { id: "call-status", class: "badge s-" + call.status }, call.status));
  const facts = [
    ["function", call.user + "/" + call.function],
    ["return code", call.returnCode],
    ["failure", call.failure],
    ["error", call.error],
    ["submitted", fmtDateTime(call.submittedAt)],
    ["started", fmtDateTime(call.startedAt)],
    ["finished", fmtDateTime(call.finishedAt)],
    ["run time", call.durationMs === null ? null : call.durationMs + " ms"],
  ].filter(([, v]) => v !== null && v !== undefined && v !== "");
  $("#call-facts").replaceChildren(...facts.flatMap(([k, v]) => [el("dt", {}, k), el("dd", { class: k === "error" ? "bad" : "" }, v)]),
    el("dt", {}, ""), el("dd", {}, el("button", { id: "call-replay", onclick: () => replayCall(call) }, "Replay this call")));
  const finished = call.status === "succeeded" || call.status === "failed";
  if (finished) {
    const [output, logs] = await Promise.all([
      api("/calls/" + callId + "/output", { raw: true }).then(r => r.arrayBuffer()),
      api("/calls/" + callId + "/logs", { raw: true }).then(r => r.text()),
    ]);
    const shown = showBytes(output);
    $("#call-output").textContent = shown.text;
    $("#call-output-kind").textContent = output.byteLength ? "(" + shown.kind + ")" : "(empty)";
    $("#call-logs").textContent = logs || "(no logs)";
  } else {
    $("#call-output").textContent = "(" + call.status + ")";
    $("#call-output-kind").textContent = "";
    $("#call-logs").textContent = "(" + call.status + ")";
    setTimeout(() => { if (state.callId === callId) openCall(callId); }, 1000);
  }
  loadTree(callId);
}

async function loadTree(callId) {
  const box = $("#call-tree");
  let tree;
  try {
    tree = (await api("/calls/" + callId + "/tree")).body;
  } catch (e) {
    box.replaceChildren(el("span", { class: "msg" }, e.message));
    return;
  }
  const node = t => el("li", {},
    el("a", { class: "tree-node" + (t.callId === callId ? " current" : ""), "data-id": t.callId,
      onclick: () => openCall(t.callId) }, t.function),
    " ", el("span", { class: "mono msg" }, t.callId), " ", statusBadge(t.status),
    t.durationMs !== null ? el("span", { class: "msg" }, " " + t.durationMs + " ms") : "",
    t.children.length ? el("ul", {}, t.children.map(node)) : "");
  const parts = [];
  if (tree.parentCallId) {
    parts.push(el("p", {}, "called by ", el("a", { class: "tree-parent", "data-id": tree.parentCallId,
      onclick: () => openCall(tree.parentCallId) }, tree.parentCallId)));
  }
  parts.push(tree.children.length ? el("div", { class: "tree" }, el("ul", {}, node(tree)))
    : el("p", { class: "msg" }, "no chained calls"));
  box.replaceChildren(...parts);
}

// ---- replays ---------------------------------------------------------------------------------------------------

function replayCall(call) {
  startReplay({ user: call.user, callId: call.callId, target: "original" });
}

function replayFromForm() {
  const req = { user: state.user, max: Number($("#r-max").value) || 100, target: $("#r-target").value,
    dryRun: $("#r-dry").checked };
  const fn = $("#r-function").value.trim();
  if (fn) req.function = fn;
  if ($("#r-outcome").value) req.outcome = $("#r-outcome").value;
  const from = $("#r-from").value;
  if (from) req.from = new Date(Date.now() - Number(from) * 60000).toISOString();
  if (req.target === "function") req.targetFunction = $("#r-target-fn").value.trim();
  startReplay(req);
}

async function startReplay(req) {
  showTab("replays");
  const msg = $("#replay-msg");
  msg.className = "msg";
  msg.textContent = "starting…";
  try {
    const r = await api("/replays", { method: "POST", body: JSON.stringify(req),
      headers: { "Content-Type": "application/json" } });
    msg.textContent = "";
    watchReplay(r.body.replayId);
  } catch (e) {
    msg.className = "msg bad";
    msg.textContent = e.message;
  }
}

async function watchReplay(id) {
  state.replayId = id;
  clearTimeout(state.timers.replay);
  const r = (await api("/replays/" + id)).body;
  if (state.replayId !== id) return;
  $("#replay").hidden = false;
  $("#replay-id").textContent = id;
  $("#replay-state").replaceWith(el("span", { id: "replay-state", class: "badge s-" +
    ({ done: "succeeded", failed: "failed" }[r.state] || "running") }, r.state));
  const progress = $("#replay-progress");
  progress.max = Math.max(1, r.selected);
  progress.value = r.state === "done" ? progress.max : r.replayed + r.skipped;
  const counts = [["selected", r.selected], ["replayed", r.replayed], ["identical", r.identical],
    ["different", r.different], ["skipped", r.skipped], ["failed", r.failed]];
  if (r.error) counts.push(["error", r.error]);
  $("#replay-counts").replaceChildren(...counts.flatMap(([k, v]) => [el("dt", {}, k),
    el("dd", { id: "replay-" + k, class: k === "different" && v > 0 || k === "error" ? "bad" : "" }, v)]));
  const side = (stateName, output, error) => el("td", {},
    el("div", { class: "s-" + stateName }, stateName), el("pre", {}, error ? error : output ?? ""));
  $("#replay-diffs tbody").replaceChildren(...r.differences.map(d => el("tr", { class: "diff" },
    el("td", { class: "mono" }, d.callId), el("td", {}, d.function),
    side(d.originalState, d.originalOutput, d.originalError), side(d.replayState, d.replayOutput, d.replayError))));
  $("#replay-diffs").hidden = r.differences.length === 0;
  if (r.state === "queued" || r.state === "running") {
    state.timers.replay = setTimeout(() => watchReplay(id), 500);
  }
}

// ---- metrics ---------------------------------------------------------------------------------------------------

function sparkline(points, key, color, max) {
  const w = 300, h = 60;
  const values = points.map(p => p[key]);
  const top = max ?? Math.max(1e-9, ...values.filter(v => v !== null));
  const step = w / Math.max(1, points.length - 1);
  let d = "";
  let dots = "";
  values.forEach((v, i) => {
    if (v === null) return;
    const x = (i * step).toFixed(1), y = (h - 2 - (v / top) * (h - 4)).toFixed(1);
    const joined = i > 0 && values[i - 1] !== null;
    d += (joined ? "L" : "M") + x + " " + y;
    if (!joined && (i === values.length - 1 || values[i + 1] === null)) {
      dots += '<circle cx="' + x + '" cy="' + y + '" r="2.2" fill="' + color + '"/>';  // a lone point
    }
  });
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 " + w + " " + h);
  svg.setAttribute("preserveAspectRatio", "none");
  svg.innerHTML = '<line x1="0" y1="' + (h - 1) + '" x2="' + w + '" y2="' + (h - 1) + '" stroke="#e2e5ea"/>'
    + '<path d="' + d + '" fill="none" stroke="' + color + '" stroke-width="1.6" vector-effect="non-scaling-stroke"/>' + dots;
  return svg;
}

async function loadMetrics() {
  const minutes = $("#m-minutes").value;
  const r = (await api("/stats/" + encodeURIComponent(state.user) + "?minutes=" + minutes)).body;
  const charts = r.functions.map(f => {
    const series = f.series.map(p => Object.assign({}, p, { errorRate: p.calls ? p.failed / p.calls : null }));
    const peak = Math.max(...series.map(p => p.callsPerSecond));
    const p99max = Math.max(1, ...series.map(p => p.p99Ms ?? 0));
    return el("div", { class: "chart", "data-function": f.function },
      el("h3", {}, f.function),
      el("div", { class: "facts" }, f.calls + " calls · " + fmtPct(f.errorRate) + " errors · p50 " + (f.p50Ms ?? "–")
        + " ms · p99 " + (f.p99Ms ?? "–") + " ms"),
      el("div", { class: "label" }, "calls/s (peak " + peak.toFixed(2) + ")"), sparkline(series, "callsPerSecond", "#3559d6"),
      el("div", { class: "label" }, "error rate"), sparkline(series, "errorRate", "#c62f2f", 1),
      el("div", { class: "label" }, "p50 / p99 run time, ms (max " + p99max + ")"),
      (() => {
        const a = sparkline(series, "p99Ms", "#b7791f", p99max);
        a.append(...sparkline(series, "p50Ms", "#1c8a4a", p99max).childNodes);
        return a;
      })());
  });
  $("#charts").replaceChildren(...(charts.length ? charts
    : [el("p", { class: "msg" }, "No calls finished in the last " + minutes + " minutes.")]));
}

// ---- start -----------------------------------------------------------------------------------------------------

function init() {
  const params = new URLSearchParams(location.search);
  state.user = params.get("user") || localStorage.getItem("faasm.user") || "demo";
  $("#user").value = state.user;
  $("#key").value = sessionStorage.getItem("faasm.key") || "";
  if (params.get("minutes")) $("#m-minutes").value = params.get("minutes");
  $("#user").addEventListener("change", e => {
    state.user = e.target.value.trim();
    localStorage.setItem("faasm.user", state.user);
    refresh();
  });
  $("#key").addEventListener("change", e => {
    const key = e.target.value.trim();
    if (key) sessionStorage.setItem("faasm.key", key); else sessionStorage.removeItem("faasm.key");
    refresh();
  });
  for (const b of document.querySelectorAll("nav button")) b.addEventListener("click", () => showTab(b.dataset.tab));
  $("#invoke-btn").addEventListener("click", invoke);
  $("#upload-file").addEventListener("change", e => { if (e.target.files[0]) upload(e.target.files[0]); e.target.value = ""; });
  const drop = $("#drop");
  drop.addEventListener("dragover", e => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", e => {
    e.preventDefault();
    drop.classList.remove("over");
    if (e.dataTransfer.files[0]) upload(e.dataTransfer.files[0]);
  });
  $("#f-function").addEventListener("input", loadCalls);
  $("#f-outcome").addEventListener("change", loadCalls);
  $("#r-target").addEventListener("change", e => { $("#r-target-fn").hidden = e.target.value !== "function"; });
  $("#replay-btn").addEventListener("click", replayFromForm);
  $("#m-minutes").addEventListener("change", loadMetrics);
  setInterval(() => {
    if (document.hidden) return;
    if (state.tab === "calls" && $("#f-live").checked) loadCalls();
    if (state.tab === "metrics") loadMetrics();
  }, 2000);
  showTab(params.get("tab") || "functions");
}

init();
