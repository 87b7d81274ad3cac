// The coaching dashboard: a plain client of /dashboard/data.json. The signed link's parameters
// are passed on to every request; everything from the server is inserted as text, never markup.

const SIGNED = ["person", "scope", "exp", "sig"];
const $ = (id) => document.getElementById(id);
const page = new URLSearchParams(location.search);
const token = new URLSearchParams(SIGNED.filter((k) => page.has(k)).map((k) => [k, page.get(k)]));
const state = { filters: { district: "", building: "", practice: "" }, data: null, charts: [] };

/** Builds an element; string children become text nodes. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const c of children)
    if (c !== undefined && c !== null && c !== false) node.append(c instanceof Node ? c : String(c));
  return node;
}

function query() {
  const q = new URLSearchParams(token);
  for (const [k, v] of Object.entries(state.filters)) if (v) q.set(k, v);
  return q.toString();
}

function status(text) {
  $("status").textContent = text ?? "";
  $("status").hidden = !text;
}

function show(id, visible) {
  $(id).hidden = !visible;
}

// --- Charts ------------------------------------------------------------------------------------

function colours() {
  const css = getComputedStyle(document.documentElement);
  const v = (name) => css.getPropertyValue(name).trim();
  return {
    ink: v("--ink"),
    line: v("--line"),
    series: [v("--chart-1"), v("--chart-2"), v("--chart-3"), v("--chart-4")],
  };
}

function chart(id, type, labels, datasets, options = {}) {
  const c = colours();
  const canvas = $(id);
  canvas.setAttribute(
    "aria-label",
    `${datasets.map((d) => d.label).join(", ")}, by ${labels.length === 1 ? "period" : "item"}`,
  );
  const axis = { ticks: { color: c.ink }, grid: { color: c.line } };
  state.charts.push(
    new window.Chart(canvas, {
      type,
      data: {
        labels,
        datasets: datasets.map((d, i) => ({
          ...d,
          backgroundColor: c.series[i % c.series.length],
          borderColor: c.series[i % c.series.length],
          spanGaps: false,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        plugins: { legend: { labels: { color: c.ink } } },
        ...options,
        scales: Object.fromEntries(
          Object.entries(options.scales ?? { x: {}, y: { beginAtZero: true, ticks: { precision: 0 } } }).map(
            ([k, s]) => [k, { ...axis, ...s, ticks: { ...axis.ticks, ...s.ticks } }],
          ),
        ),
      },
    }),
  );
}

function table(container, head, rows) {
  const t = el(
    "table",
    {},
    el("thead", {}, el("tr", {}, ...head.map((h) => el("th", { scope: "col" }, h)))),
    el(
      "tbody",
      {},
      ...rows.map((r) =>
        el(
          "tr",
          {},
          ...r.map((cell) => (cell instanceof Node ? el("td", {}, cell) : el("td", {}, cell ?? "—"))),
        ),
      ),
    ),
  );
  $(container).replaceChildren(t);
}

const series = (data, key) => data.series.find((s) => s.key === key);
const shown = (s, i) =>
  s.hidden[i] ? s.suppressedText : s.values[i] === null ? "no data" : String(s.values[i]);

// --- Views -------------------------------------------------------------------------------------

function fillSelect(select, options, value) {
  select.replaceChildren(...options.map(([v, label]) => el("option", { value: v }, label)));
  select.value = value;
}

function renderFilters(data) {
  const district = data.districts.find((d) => d.id === data.selected.district);
  fillSelect(
    $("filter-district"),
    data.districts.map((d) => [d.id, d.name]),
    data.selected.district,
  );
  show("district-field", data.districts.length > 1);
  show("building-field", true);
  show("practice-field", true);
  const buildings = district.buildings.map((b) => [b.id, b.name]);
  fillSelect(
    $("filter-building"),
    data.fixedBuilding ? buildings : [["", "All buildings"], ...buildings],
    data.selected.building ?? "",
  );
  $("filter-building").disabled = data.fixedBuilding;
  fillSelect(
    $("filter-practice"),
    [["", "All practices"], ...data.practices.map((p) => [p, p])],
    data.selected.practice ?? "",
  );
  $("export").href = `/dashboard/export.csv?${query()}`;
  show("filters", true);
}

function renderAggregate(data) {
  renderFilters(data);
  const labels = data.months.map((m) => m.label);
  $("summary-heading").textContent = data.latest.label;
  $("summary").replaceChildren(
    ...data.latest.figures.map((f) => el("div", {}, el("dt", {}, f.label), el("dd", {}, f.display))),
  );
  $("privacy-note").textContent =
    `Totals only: no names and nothing anyone wrote. Figures about ${series(data, "completionRate").suppressedText} people are hidden, with one more where needed so they can't be worked out. In brackets: the change since the month before.`;
  show("summary-panel", true);

  const activity = ["completed", "educatorsCoached", "feedbackGiven"].map((k) => series(data, k));
  chart(
    "chart-activity",
    "bar",
    labels,
    activity.map((s) => ({ label: s.label, data: s.values })),
  );
  table(
    "table-activity",
    ["Month", ...activity.map((s) => s.label)],
    labels.map((l, i) => [l, ...activity.map((s) => shown(s, i))]),
  );
  show("activity-panel", true);

  const rate = series(data, "completionRate");
  const useful = series(data, "usefulness");
  chart(
    "chart-quality",
    "line",
    labels,
    [
      { label: `${rate.label} (%)`, data: rate.values, yAxisID: "y" },
      { label: `${useful.label} (1-5)`, data: useful.values, yAxisID: "y1" },
    ],
    {
      scales: {
        y: { min: 0, max: 100, ticks: {} },
        y1: { min: 1, max: 5, position: "right", grid: { drawOnChartArea: false }, ticks: {} },
      },
    },
  );
  const hidden = labels.flatMap((l, i) =>
    [rate, useful].filter((s) => s.hidden[i]).map((s) => `${l}: ${s.label.toLowerCase()}`),
  );
  $("quality-note").textContent = hidden.length
    ? `Not shown (${rate.suppressedText} people, or none): ${hidden.join("; ")}.`
    : "";
  table(
    "table-quality",
    ["Month", rate.label, useful.label],
    labels.map((l, i) => [l, shown(rate, i), shown(useful, i)]),
  );
  show("quality-panel", true);

  if (data.focus.length) {
    chart(
      "chart-focus",
      "bar",
      data.focus.map((f) => f.label),
      [{ label: "Observations completed", data: data.focus.map((f) => f.value) }],
      {
        indexAxis: "y",
        scales: { x: { beginAtZero: true, ticks: { precision: 0 } }, y: { ticks: {} } },
      },
    );
  }
  show("focus-panel", data.focus.length > 0);

  $("buildings").replaceChildren(
    ...data.buildings.map((b) => {
      const fill = el("span", { class: "bar-fill" });
      fill.style.width = `${b.value ?? 0}%`;
      return el(
        "li",
        { class: "bar-row" },
        el("span", {}, b.label),
        el("span", { class: "bar-track", "aria-hidden": "true" }, fill),
        el("span", { class: "bar-value" }, b.display),
      );
    }),
  );
  show("buildings-panel", data.buildings.length > 0);

  table(
    "ledger",
    ["District", "Last contact", "Days since", "Next due", "Status"],
    data.ledger.map((r) => [
      r.district,
      r.lastContact,
      r.daysSince === null ? null : String(r.daysSince),
      r.nextDue,
      el("span", { class: `status-${r.status}` }, r.statusLabel),
    ]),
  );
  show("ledger-panel", data.ledger.length > 0);
}

function renderSelf(data) {
  const labels = data.months.map((m) => m.label);
  chart(
    "chart-activity",
    "bar",
    labels,
    data.series.map((s) => ({ label: s.label, data: s.values })),
  );
  table(
    "table-activity",
    ["Month", ...data.series.map((s) => s.label)],
    labels.map((l, i) => [l, ...data.series.map((s) => String(s.values[i]))]),
  );
  $("activity-heading").textContent = "Your coaching by month";
  show("activity-panel", true);
  $("mine-counts").replaceChildren(
    ...data.counts.map((c) =>
      el("div", {}, el("dt", {}, c.state.replace("-", " ")), el("dd", {}, String(c.value))),
    ),
  );
  table(
    "mine",
    ["Role", "Focus", "State", "Prompted", "Scheduled", "Observed", "Feedback"],
    data.cycles.map((c) => [
      c.role === "observer" ? "You observed" : "You were observed",
      c.focus,
      c.state.replace("-", " "),
      c.prompted,
      c.scheduled,
      c.observed,
      c.feedback,
    ]),
  );
  $("export").href = `/dashboard/export.csv?${query()}`;
  for (const id of ["district-field", "building-field", "practice-field"]) show(id, false);
  show("filters", true);
  show("mine-panel", true);
}

function render() {
  for (const c of state.charts.splice(0)) c.destroy();
  const data = state.data;
  if (!data) return;
  if (data.view === "self") renderSelf(data);
  else renderAggregate(data);
}

async function load() {
  $("main").setAttribute("aria-busy", "true");
  const res = await fetch(`/dashboard/data.json?${query()}`, { cache: "no-store" });
  const data = await res.json().catch(() => ({ ok: false, error: `The server answered ${res.status}.` }));
  $("main").setAttribute("aria-busy", "false");
  if (!res.ok) {
    status(`${data.error ?? "Something went wrong."} ${data.fix ?? ""}`.trim());
    return;
  }
  status("");
  state.data = data;
  render();
}

function init() {
  const exp = Number(token.get("exp")) * 1000;
  $("intro").textContent = Number.isFinite(exp)
    ? `This link works until ${new Date(exp).toLocaleTimeString([], { hour: "numeric", minute: "2-digit" })}.`
    : "Open the dashboard from the coaching bot: type `dashboard`.";
  for (const name of ["district", "building", "practice"]) {
    $(`filter-${name}`).addEventListener("change", (event) => {
      state.filters[name] = event.target.value;
      if (name === "district") state.filters.building = "";
      load();
    });
  }
  // Teams switches themes while the tab is open: redraw the charts in the new colours.
  new MutationObserver(render).observe(document.documentElement, {
    attributes: true,
    attributeFilter: ["data-theme"],
  });
  if (!window.Chart) {
    status("The charts could not load. Reload the page; if it keeps happening, tell your coaching lead.");
    return;
  }
  load().catch(() => status("The dashboard could not reach the server. Check your connection and reload."));
}

init();
