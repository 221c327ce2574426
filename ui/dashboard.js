// The dashboard's page logic: a paged, filtered replication list, the selected index's lag chart (uPlot),
// the auto-follow rules, and buttons that call the replication API. Plain browser JavaScript served as is
// by ferry (api/routes/ui.ts); it builds the DOM with textContent only, never from HTML strings.

const REFRESH_MS = 5_000;
const PAGE_SIZE = 50;
const API = "/_plugins/_replication";
// sessionStorage: the credentials die with the tab and never reach another origin.
const AUTH_KEY = "ferry.authorization";

const state = { page: 1, filter: "", selected: undefined, pages: 1, chart: undefined, timer: undefined };

const $ = (id) => document.getElementById(id);

function element(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === undefined) continue;
    node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children) node.append(child);
  return node;
}

function say(text, kind = "info") {
  const box = $("message");
  box.textContent = text;
  box.className = kind;
}

/** A request to this ferry with the credentials entered on the page, if any; otherwise the browser
 * sends what it already holds (a login prompt's user and password). */
async function call(method, path, body) {
  const headers = {};
  const authorization = sessionStorage.getItem(AUTH_KEY);
  if (authorization) headers.authorization = authorization;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  let json;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  if (res.status === 401 || res.status === 403) $("credentials").hidden = false;
  if (!res.ok) {
    const reason = json?.error?.reason ?? json?.error?.type ?? text.slice(0, 200);
    throw new Error(`${res.status}: ${reason}`);
  }
  return json;
}

function formatNumber(n) {
  return n === null || n === undefined ? "–" : n.toLocaleString("en");
}

function bootstrapCell(bootstrap) {
  if (!bootstrap) return "";
  const percent = bootstrap.progress?.bytes_percent;
  if (percent === undefined) return bootstrap.step === "snapshot" ? "snapshot on the leader" : "restore starting";
  const value = Math.round(percent);
  return element("span", { class: "progress" },
    element("progress", { max: 100, value, "aria-label": "restore progress" }), ` ${value}%`);
}

function errorCell(row) {
  if (row.retrying.length) {
    const first = row.retrying[0];
    const more = row.retrying.length > 1 ? ` (+${row.retrying.length - 1} shards)` : "";
    return element("span", { class: "error", title: first.last_error }, `shard ${first.shard}, ${first.retries} retries: ${first.last_error}${more}`);
  }
  if (row.status === "FAILED" || row.status === "PAUSED") return element("span", { class: row.status === "FAILED" ? "error" : "" }, row.reason ?? "");
  return "";
}

const ACTIONS = [
  { name: "pause", label: "Pause", enabled: (s) => s === "SYNCING" },
  { name: "resume", label: "Resume", enabled: (s) => s === "PAUSED" },
  { name: "stop", label: "Stop", enabled: () => true, confirm: (i) => `Stop replicating ${i}? It becomes an ordinary index that takes writes, and following it again needs a new start (a full copy).` },
  { name: "promote", label: "Promote", enabled: (s) => s === "SYNCING" || s === "PAUSED", confirm: (i) => `Promote ${i}? The leader index is write-blocked, ${i} is caught up and then takes writes itself.` },
];

async function act(action, index) {
  if (action.confirm && !window.confirm(action.confirm(index))) return;
  say(`${action.label} ${index}…`);
  try {
    await call("POST", `${API}/${encodeURIComponent(index)}/_${action.name}`, {});
    say(`${action.label} ${index}: done`, "ok");
  } catch (err) {
    say(`${action.label} ${index} failed: ${err.message}`, "error");
  }
  await refresh();
}

function actionsCell(row) {
  const cell = element("span", { class: "actions" });
  for (const action of ACTIONS) {
    const button = element("button", { type: "button", "data-action": action.name, disabled: !action.enabled(row.status) }, action.label);
    button.addEventListener("click", (event) => {
      event.stopPropagation();
      void act(action, row.follower_index);
    });
    cell.append(button);
  }
  return cell;
}

function renderList(page) {
  const counts = $("counts");
  counts.replaceChildren(...Object.entries(page.counts).map(([status, n]) =>
    element("li", { class: `status status-${status}` }, `${n} ${status.toLowerCase()}`)));
  state.pages = Math.max(1, Math.ceil(page.total / page.size));
  $("page-info").textContent = `page ${page.page} of ${state.pages} · ${page.total} replications`;
  $("prev").disabled = page.page <= 1;
  $("next").disabled = page.page >= state.pages;

  const rows = page.replications.map((row) => {
    const tr = element("tr", { "data-index": row.follower_index, class: row.follower_index === state.selected ? "selected" : false },
      element("td", {}, element("button", { type: "button", class: "link" }, row.follower_index)),
      element("td", {}, `${row.leader_alias}:${row.leader_index}`),
      element("td", {}, element("span", { class: `status status-${row.status}` }, row.status)),
      element("td", { class: "num" }, formatNumber(row.lag_operations)),
      element("td", {}, bootstrapCell(row.bootstrap)),
      element("td", {}, errorCell(row)),
      element("td", {}, actionsCell(row)));
    tr.addEventListener("click", () => select(row.follower_index));
    return tr;
  });
  $("replications").tBodies[0].replaceChildren(...rows);
  if (!rows.length) {
    $("replications").tBodies[0].append(element("tr", {}, element("td", { colspan: 7, class: "empty" },
      state.filter ? `No replication matches “${state.filter}”.` : "No replication yet.")));
  }
  // The first row is charted until someone picks another.
  if (state.selected === undefined && page.replications.length) select(page.replications[0].follower_index);
}

function renderRules(rules) {
  const body = $("rules").tBodies[0];
  body.replaceChildren(...rules.map((r) => element("tr", {},
    element("td", {}, r.name), element("td", {}, r.leader_alias), element("td", {}, r.pattern),
    element("td", {}, r.follower_index_pattern ?? "{{leader_index}}"),
    element("td", {}, r.disabled ? element("span", { class: "error", title: r.disabled.reason }, "disabled") : "active"))));
  if (!rules.length) body.append(element("tr", {}, element("td", { colspan: 5, class: "empty" }, "No auto-follow rule.")));
}

function chartOptions(width) {
  return {
    width,
    height: 260,
    series: [{}, { label: "lag (operations)", stroke: "#2563eb", fill: "rgba(37, 99, 235, 0.12)", width: 2, spanGaps: false }],
    axes: [{}, { label: "operations", size: 70 }],
    scales: { y: { range: (_u, _min, max) => [0, Math.max(10, max * 1.1)] } },
    legend: { show: true },
  };
}

function renderChart(series) {
  const host = $("lag-chart");
  // uPlot's x axis is in seconds.
  const data = [series.times.map((t) => t / 1000), series.lag];
  if (!state.chart) {
    host.replaceChildren();
    state.chart = new window.uPlot(chartOptions(Math.max(320, host.clientWidth)), data, host);
  } else {
    state.chart.setData(data);
  }
  // Read by the browser tests: the chart moves when new samples arrive.
  host.dataset.points = String(series.lag.filter((v) => v !== null).length);
  host.dataset.lastTime = String(series.times.at(-1) ?? "");
}

async function refreshChart() {
  if (state.selected === undefined) return;
  try {
    renderChart(await call("GET", `/_ferry/ui/api/lag/${encodeURIComponent(state.selected)}`));
  } catch {
    // Stopped since: the list no longer shows it either.
    $("chart-title").textContent = `Lag of ${state.selected}: no history`;
  }
}

function select(index) {
  state.selected = index;
  $("chart-title").textContent = `Lag of ${index}, last hour`;
  for (const tr of $("replications").tBodies[0].rows) tr.classList.toggle("selected", tr.dataset.index === index);
  state.chart?.destroy();
  state.chart = undefined;
  $("lag-chart").dataset.points = "0";
  void refreshChart();
}

async function refresh() {
  const params = new URLSearchParams({ page: String(state.page), size: String(PAGE_SIZE) });
  if (state.filter) params.set("filter", state.filter);
  try {
    const [page, rules] = await Promise.all([
      call("GET", `/_ferry/ui/api/replications?${params}`),
      call("GET", `${API}/_autofollow`),
    ]);
    if (page.page > 1 && page.replications.length === 0 && page.total > 0) {
      // The filter or a stop left fewer pages than the one shown.
      state.page = Math.ceil(page.total / page.size);
      return refresh();
    }
    renderList(page);
    renderRules(rules.rules);
    await refreshChart();
    $("updated").textContent = `updated ${new Date().toLocaleTimeString("en-GB")}`;
  } catch (err) {
    say(`Cannot read ferry: ${err.message}`, "error");
  }
}

function schedule() {
  clearInterval(state.timer);
  state.timer = setInterval(() => void refresh(), REFRESH_MS);
}

function wire() {
  let typing;
  $("filter").addEventListener("input", (event) => {
    clearTimeout(typing);
    typing = setTimeout(() => {
      state.filter = event.target.value.trim();
      state.page = 1;
      void refresh();
    }, 250);
  });
  $("prev").addEventListener("click", () => {
    state.page = Math.max(1, state.page - 1);
    void refresh();
  });
  $("next").addEventListener("click", () => {
    state.page = Math.min(state.pages, state.page + 1);
    void refresh();
  });
  $("credentials-toggle").addEventListener("click", () => {
    $("credentials").hidden = !$("credentials").hidden;
  });
  $("credentials").addEventListener("submit", (event) => {
    event.preventDefault();
    const kind = new FormData(event.target).get("kind");
    const token = btoa(`${$("credential-name").value}:${$("credential-secret").value}`);
    sessionStorage.setItem(AUTH_KEY, `${kind === "basic" ? "Basic" : "ApiKey"} ${token}`);
    $("credential-secret").value = "";
    $("credentials").hidden = true;
    say("Credentials kept for this tab.", "ok");
    void refresh();
  });
  $("credentials-forget").addEventListener("click", () => {
    sessionStorage.removeItem(AUTH_KEY);
    say("Credentials forgotten.", "ok");
  });
  window.addEventListener("resize", () => state.chart?.setSize({ width: Math.max(320, $("lag-chart").clientWidth), height: 260 }));
}

wire();
void refresh();
schedule();
