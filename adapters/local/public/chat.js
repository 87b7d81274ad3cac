// The local web chat page: a plain client of /local/api. Every string from the server is inserted
// as text (textContent / text nodes), never as markup.

/** The demo district's time zone: the clock, the time-travel input and timestamps use it. */
const ZONE = "America/Chicago";
const POLL_MS = 2000;
const CHANNEL_PREFIX = "channel:";
const ROLE_LABEL = {
  teacher: "Teacher",
  coach: "Coach",
  "building-admin": "Building admin",
  "district-admin": "District admin",
  facilitator: "CST facilitator",
};
const GROUPS = [
  ["teacher", "Teachers"],
  ["coach", "Coaches"],
  ["building-admin", "Building administrators"],
  ["district-admin", "District administrators"],
  ["facilitator", "CST facilitators"],
];
/** A person is listed once, under their most senior role. */
const SENIORITY = ["district-admin", "building-admin", "facilitator", "coach", "teacher"];

const $ = (id) => document.getElementById(id);
const state = {
  as: new URLSearchParams(location.search).get("as"),
  people: [],
  channels: [],
  nowMs: null,
  /** entry id -> { json, node }: unchanged entries keep their DOM node (and keyboard focus). */
  rendered: new Map(),
  refreshing: false,
  refreshAgain: false,
  form: null,
  controls: new Map(),
  opener: null,
  travelInputDirty: false,
};

/** Builds an element; string children become text nodes, so data can never become markup. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children.filter((c) => c !== undefined && c !== null && c !== false));
  return node;
}

async function api(path, body) {
  const init =
    body === undefined
      ? {}
      : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) };
  const res = await fetch(`/local/api/${path}`, init);
  const data = await res.json().catch(() => ({ ok: false, error: `the server answered ${res.status}` }));
  return { status: res.status, data };
}

/** One line for problems; `kind` "offline" is cleared by the next successful poll. */
function notice(text, kind = "") {
  $("notice").textContent = text ?? "";
  $("notice").hidden = !text;
  $("notice").dataset.kind = kind;
}

// --- Time in the district's zone -------------------------------------------------------------

const partsFormat = new Intl.DateTimeFormat("en-US", {
  timeZone: ZONE,
  hourCycle: "h23",
  weekday: "short",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
});
const clockFormat = new Intl.DateTimeFormat("en-US", {
  timeZone: ZONE,
  weekday: "short",
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
  timeZoneName: "short",
});
const stampFormat = new Intl.DateTimeFormat("en-US", {
  timeZone: ZONE,
  month: "short",
  day: "numeric",
  hour: "numeric",
  minute: "2-digit",
});

function wall(ms) {
  const p = Object.fromEntries(partsFormat.formatToParts(new Date(ms)).map((x) => [x.type, x.value]));
  return { y: +p.year, mo: +p.month, d: +p.day, h: +p.hour, mi: +p.minute, s: +p.second, weekday: p.weekday };
}

/** The instant a Chicago wall-clock time names (Date.UTC normalises day overflow, e.g. d + 1). */
function fromWall(y, mo, d, h, mi) {
  const asUtc = Date.UTC(y, mo - 1, d, h, mi);
  const offsetAt = (ms) => {
    const w = wall(ms);
    return Date.UTC(w.y, w.mo - 1, w.d, w.h, w.mi, w.s) - Math.floor(ms / 1000) * 1000;
  };
  // Twice: the offset at the first guess may be on the other side of a DST change.
  return asUtc - offsetAt(asUtc - offsetAt(asUtc));
}

const pad = (n) => String(n).padStart(2, "0");
function toInputValue(ms) {
  const w = wall(ms);
  return `${w.y}-${pad(w.mo)}-${pad(w.d)}T${pad(w.h)}:${pad(w.mi)}`;
}

function nextSchoolMorning(nowMs) {
  const w = wall(nowMs);
  for (let i = 0; i < 8; i++) {
    const at = fromWall(w.y, w.mo, w.d + i, 7, 45);
    const day = wall(at).weekday;
    if (at > nowMs && day !== "Sat" && day !== "Sun") return at;
  }
  return null;
}

function setClock(iso) {
  state.nowMs = Date.parse(iso);
  $("clock").textContent = clockFormat.format(state.nowMs);
  $("clock-iso").textContent = iso;
  if (!state.travelInputDirty) $("time-travel-input").value = toInputValue(state.nowMs);
}

async function travelTo(ms) {
  const status = $("time-travel-status");
  status.textContent = "Travelling…";
  const { data } = await api("time-travel", { to: new Date(ms).toISOString() });
  if (!data.ok) {
    status.textContent = data.fields?.to ?? data.error ?? "Could not move the clock.";
    return;
  }
  state.travelInputDirty = false;
  setClock(data.now);
  const n = data.delivered;
  status.textContent = `Now ${clockFormat.format(Date.parse(data.now))}. ${n} message${n === 1 ? "" : "s"} delivered.`;
  await Promise.all([loadPeople(), refresh()]);
}

async function refreshClock() {
  const { data } = await api("clock");
  if (data.now) setClock(data.now);
}

// --- People ----------------------------------------------------------------------------------

async function loadPeople() {
  const { data } = await api("people");
  state.people = (data.people ?? []).slice().sort((a, b) => a.name.localeCompare(b.name));
  state.channels = data.channels ?? [];
  renderPeople();
  showWho();
}

const primaryRole = (person) => SENIORITY.find((role) => person.roles.includes(role)) ?? person.roles[0];
const channelName = (id) => `Leadership channel ${id.slice(CHANNEL_PREFIX.length)}`;

function peopleGroups() {
  const groups = GROUPS.map(([role, title]) => ({
    role,
    title,
    items: state.people
      .filter((p) => primaryRole(p) === role)
      .map((p) => ({
        id: p.id,
        name: p.name,
        detail: [p.roles.map((r) => ROLE_LABEL[r] ?? r).join(" · "), p.buildingId]
          .filter(Boolean)
          .join(" · "),
      })),
  }));
  groups.push({
    role: "channel",
    title: "Leadership channels",
    items: state.channels.map((id) => ({
      id,
      name: channelName(id),
      detail: "Digests posted to the channel",
    })),
  });
  const query = $("person-search").value.trim().toLowerCase();
  const matches = (item) => `${item.name} ${item.id} ${item.detail}`.toLowerCase().includes(query);
  return groups.map((g) => ({ ...g, items: g.items.filter(matches) })).filter((g) => g.items.length > 0);
}

function renderPeople() {
  const groups = peopleGroups();
  const nav = $("people");
  if (groups.length === 0) {
    nav.replaceChildren(el("p", { class: "muted small", "data-testid": "people-empty" }, "No one matches."));
    return;
  }
  nav.replaceChildren(
    ...groups.map((group) =>
      el(
        "div",
        { class: "group", "data-group": group.role },
        el("h3", {}, group.title, el("span", { class: "count" }, ` ${group.items.length}`)),
        el(
          "ul",
          {},
          ...group.items.map((item) =>
            el(
              "li",
              {},
              el(
                "button",
                {
                  type: "button",
                  class: "person",
                  "data-testid": "person-option",
                  "data-person": item.id,
                  "aria-current": item.id === state.as ? "true" : null,
                  onclick: () => choose(item.id),
                },
                el("span", { class: "name" }, item.name),
                el("span", { class: "detail" }, item.detail),
              ),
            ),
          ),
        ),
      ),
    ),
  );
}

function showWho() {
  const person = state.people.find((p) => p.id === state.as);
  const name = person?.name ?? (state.as?.startsWith(CHANNEL_PREFIX) ? channelName(state.as) : state.as);
  $("conversation-title").textContent = name ?? "Pick someone to be";
  $("conversation-roles").textContent = person ? person.roles.map((r) => ROLE_LABEL[r] ?? r).join(" · ") : "";
  document.title = name ? `${name}: Coachbot local chat` : "Coachbot: local chat";
}

function choose(id) {
  state.as = id;
  const url = new URL(location.href);
  url.searchParams.set("as", id);
  history.replaceState(null, "", url);
  state.rendered = new Map();
  $("conversation").replaceChildren();
  for (const control of [$("command-input"), ...$("composer").querySelectorAll("button")])
    control.disabled = false;
  notice(null);
  renderPeople();
  showWho();
  refresh();
}

// --- Conversation ----------------------------------------------------------------------------

async function refresh() {
  if (!state.as) return refreshClock();
  if (state.refreshing) {
    state.refreshAgain = true;
    return;
  }
  state.refreshing = true;
  const as = state.as;
  try {
    const { status, data } = await api(`conversation?as=${encodeURIComponent(as)}`);
    if (as !== state.as) return;
    if (status !== 200) {
      notice(data.error ?? `The conversation could not be loaded (${status}).`);
      return;
    }
    setClock(data.now);
    renderEntries(data.entries);
    if ($("notice").dataset.kind === "offline") notice(null);
  } catch {
    notice("The bot is not answering; trying again…", "offline");
  } finally {
    state.refreshing = false;
    if (state.refreshAgain) {
      state.refreshAgain = false;
      refresh();
    }
  }
}

function renderEntries(entries) {
  const list = $("conversation");
  const atBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 80;
  const kept = new Map();
  entries.forEach((entry, i) => {
    const json = JSON.stringify(entry);
    let item = state.rendered.get(entry.id);
    if (!item || item.json !== json) {
      const node = renderEntry(entry);
      if (item) {
        const hadFocus = item.node.contains(document.activeElement);
        item.node.replaceWith(node);
        if (hadFocus) node.focus();
      }
      item = { json, node };
    }
    kept.set(entry.id, item);
    if (list.children[i] !== item.node) list.insertBefore(item.node, list.children[i] ?? null);
  });
  for (const [id, item] of state.rendered) if (!kept.has(id)) item.node.remove();
  const grew = kept.size > state.rendered.size;
  state.rendered = kept;
  $("conversation-empty").textContent = "No messages yet. Try typing help.";
  $("conversation-empty").hidden = entries.length > 0;
  if (grew && atBottom) list.scrollTop = list.scrollHeight;
}

function renderEntry(entry) {
  const time = el("time", { datetime: entry.at, class: "stamp" }, stampFormat.format(Date.parse(entry.at)));
  if (entry.from === "you") {
    return el(
      "li",
      { class: "entry you", "data-testid": "message", "data-from": "you", "data-entry": entry.id },
      el("p", { class: "bubble" }, entry.text ?? ""),
      time,
    );
  }
  const message = entry.message;
  const blocks = message?.blocks?.length
    ? message.blocks.map((b) => renderBlock(b, message))
    : [el("p", {}, message?.summary ?? "")];
  return el(
    "li",
    {
      class: "entry bot",
      tabindex: "-1",
      "data-testid": "message",
      "data-from": "bot",
      "data-entry": entry.id,
      "data-key": message?.key,
    },
    el(
      "article",
      { class: "card", "aria-label": message?.summary ?? "Message from the bot" },
      ...blocks,
      time,
    ),
  );
}

function renderBlock(block, message) {
  switch (block.kind) {
    case "text":
      return el(
        "p",
        { class: `text tone-${block.tone ?? "plain"}`, "data-tone": block.tone },
        block.tone === "warning" ? el("span", { class: "visually-hidden" }, "Warning: ") : null,
        block.text,
      );
    case "facts":
      return el(
        "dl",
        { class: "facts", "data-testid": "facts" },
        ...block.facts.map((f) => el("div", {}, el("dt", {}, f.label), el("dd", {}, f.value))),
      );
    case "bars":
      return renderBars(block);
    case "actions":
      return el(
        "div",
        { class: "actions", role: "group", "aria-label": "Actions" },
        ...block.actions.map((action) =>
          el(
            "button",
            {
              type: "button",
              class: action.style ?? "",
              "data-testid": "action-button",
              "data-action": action.id,
              onclick: (event) => runAction(action, event.currentTarget),
            },
            action.label,
          ),
        ),
      );
    case "link": {
      const href = safeUrl(block.url);
      return href
        ? el(
            "a",
            {
              class: "link",
              href,
              target: "_blank",
              rel: "noopener noreferrer",
              "data-testid": "message-link",
            },
            block.label,
          )
        : el("p", { class: "muted small" }, `${block.label}: ${block.url}`);
    }
    default:
      return el("p", { class: "muted small" }, message.summary);
  }
}

function renderBars(block) {
  const max = Math.max(1, ...block.rows.map((r) => r.value ?? 0));
  return el(
    "figure",
    { class: "bars", "data-testid": "bars" },
    el("figcaption", {}, block.title),
    el(
      "ul",
      {},
      ...block.rows.map((row) => {
        const fill = el("span", { class: "bar-fill" });
        fill.style.width = `${row.value === null ? 0 : (100 * row.value) / max}%`;
        return el(
          "li",
          { class: row.value === null ? "bar-row suppressed" : "bar-row" },
          el("span", { class: "bar-label" }, row.label),
          row.value === null
            ? el("span", { class: "bar-track empty", "aria-hidden": "true" })
            : el("span", { class: "bar-track", "aria-hidden": "true" }, fill),
          el("span", { class: "bar-value" }, row.display),
        );
      }),
    ),
  );
}

/** Only web and calendar links: a `javascript:` URL from a message must never become clickable. */
function safeUrl(url) {
  try {
    const parsed = new URL(url, location.href);
    return ["http:", "https:", "webcal:"].includes(parsed.protocol) ? parsed.href : null;
  } catch {
    return null;
  }
}

async function runAction(action, button) {
  const buttons = button.closest(".actions").querySelectorAll("button");
  for (const b of buttons) b.disabled = true;
  try {
    const { data } = await api("action", { as: state.as, action: action.id, context: action.context });
    if (!data.ok) notice(data.error ?? `“${action.label}” did not work.`);
    else if (data.reply.form) openForm(data.reply.form, data.reply.warnings, button);
  } catch {
    notice(`“${action.label}” could not reach the bot; try again in a moment.`);
  } finally {
    for (const b of buttons) b.disabled = false;
    await refresh();
  }
}

async function sendCommand(text) {
  if (!state.as || !text.trim()) return;
  const input = $("command-input");
  try {
    const { data } = await api("command", { as: state.as, text });
    if (!data.ok) {
      notice(data.fields?.text ?? data.error ?? "The command did not work.");
      return;
    }
    notice(null);
    if (input.value === text) input.value = "";
    if (data.reply.form) openForm(data.reply.form, data.reply.warnings, input);
  } catch {
    notice("The bot is not answering; try again in a moment.");
  }
  await refresh();
  $("conversation").scrollTop = $("conversation").scrollHeight;
}

// --- Forms -----------------------------------------------------------------------------------

function openForm(form, warnings, opener) {
  const dialog = $("form-dialog");
  state.form = form;
  state.opener = opener ?? document.activeElement;
  $("form-title").textContent = form.title;
  $("form-intro").textContent = form.intro ?? "";
  $("form-intro").hidden = !form.intro;
  $("form-submit").textContent = form.submitLabel;
  $("form-submit").disabled = false;
  state.controls = new Map();
  $("form-fields").replaceChildren(
    ...form.fields.map((field, i) => renderField(field, i, form.values?.[field.name])),
  );
  showFormErrors(form.errors ?? {}, warnings ?? {});
  if (!dialog.open) dialog.showModal();
  state.controls.values().next().value?.focusTarget.focus();
}

function renderField(field, index, value) {
  const id = `field-${index}`;
  const hint = field.hint ? el("p", { class: "hint", id: `${id}-hint` }, field.hint) : null;
  const error = el("p", { class: "error", id: `${id}-error`, "data-error": field.name, hidden: true });
  const warning = el("p", {
    class: "warning",
    id: `${id}-warning`,
    "data-warning": field.name,
    hidden: true,
  });
  const counter =
    field.input === "longText" && field.maxLength
      ? el("p", { class: "counter", id: `${id}-count`, "data-counter": field.name })
      : null;
  const describedBy = [hint && `${id}-hint`, counter && `${id}-count`, `${id}-error`, `${id}-warning`]
    .filter(Boolean)
    .join(" ");
  const required = field.required ? el("span", { class: "req", "aria-hidden": "true" }, " *") : null;
  const common = {
    "data-field": field.name,
    "aria-describedby": describedBy,
    "aria-required": field.required ? "true" : null,
  };

  let control;
  let focusTarget;
  let label;
  if (field.input === "multiSelect" || field.input === "rating") {
    const options =
      field.input === "rating"
        ? [1, 2, 3, 4, 5].map((n) => ({ value: String(n), label: String(n) }))
        : (field.options ?? []);
    const chosen = new Set(
      (Array.isArray(value) ? value : [value]).filter((v) => v !== undefined).map(String),
    );
    control = el(
      "fieldset",
      { class: field.input === "rating" ? "choices rating" : "choices", ...common },
      el("legend", {}, field.label, required),
      ...options.map((option) =>
        el(
          "label",
          { class: "choice" },
          el("input", {
            type: field.input === "rating" ? "radio" : "checkbox",
            name: `${id}-choice`,
            value: option.value,
            "data-option": option.value,
            checked: chosen.has(option.value),
          }),
          el("span", {}, option.label),
        ),
      ),
    );
    focusTarget = control.querySelector("input") ?? control;
  } else {
    if (field.input === "longText") {
      control = el("textarea", { id, rows: 5, maxlength: field.maxLength, ...common });
    } else if (field.input === "select") {
      control = el(
        "select",
        { id, ...common },
        el("option", { value: "" }, "Choose…"),
        ...(field.options ?? []).map((o) => el("option", { value: o.value }, o.label)),
      );
    } else {
      const type = { date: "date", time: "time" }[field.input] ?? "text";
      control = el("input", { id, type, maxlength: field.maxLength, autocomplete: "off", ...common });
    }
    if (value !== undefined && value !== null) control.value = String(value);
    label = el("label", { for: id }, field.label, required);
    focusTarget = control;
  }
  if (counter) {
    const update = () => {
      counter.textContent = `${control.value.length} / ${field.maxLength}`;
    };
    control.addEventListener("input", update);
    update();
  }
  state.controls.set(field.name, { field, control, focusTarget, error, warning });
  return el("div", { class: "field" }, label, hint, control, counter, error, warning);
}

function collectValues() {
  const values = {};
  for (const [name, { field, control }] of state.controls) {
    if (field.input === "multiSelect") {
      values[name] = [...control.querySelectorAll("input:checked")].map((i) => i.value);
    } else if (field.input === "rating") {
      const checked = control.querySelector("input:checked");
      if (checked) values[name] = Number(checked.value);
    } else if (control.value.trim() !== "") {
      values[name] = control.value;
    }
  }
  return values;
}

function showFormErrors(errors, warnings) {
  let first = null;
  for (const [name, { control, focusTarget, error, warning }] of state.controls) {
    error.textContent = errors[name] ?? "";
    error.hidden = !errors[name];
    warning.textContent = warnings[name] ?? "";
    warning.hidden = !warnings[name];
    if (errors[name]) control.setAttribute("aria-invalid", "true");
    else control.removeAttribute("aria-invalid");
    if (errors[name] && !first) first = focusTarget;
  }
  const general = Object.entries(errors).filter(([name]) => !state.controls.has(name));
  const box = $("form-dialog").querySelector('[data-error="_form"]');
  box.textContent = general.map(([, text]) => text).join(" ");
  box.hidden = general.length === 0;
  first?.focus();
}

async function submitForm(event) {
  event.preventDefault();
  const form = state.form;
  const submit = $("form-submit");
  if (!form || submit.disabled) return;
  submit.disabled = true;
  try {
    const { data } = await api("submit", {
      as: state.as,
      form: form.id,
      context: form.context,
      values: collectValues(),
    });
    if (data.ok && data.reply.form) openForm(data.reply.form, data.reply.warnings, state.opener);
    else if (data.ok) $("form-dialog").close();
    else
      showFormErrors(
        data.errors ?? { _form: data.error ?? "The form could not be sent." },
        data.warnings ?? {},
      );
  } catch {
    showFormErrors({ _form: "The bot is not answering; your answers are still here. Try again." }, {});
  } finally {
    submit.disabled = false;
  }
  await refresh();
}

// --- Wiring ----------------------------------------------------------------------------------

$("person-search").addEventListener("input", renderPeople);
$("person-search").addEventListener("keydown", (event) => {
  if (event.key !== "Enter") return;
  event.preventDefault();
  $("people").querySelector("[data-person]")?.click();
});
$("composer").addEventListener("submit", (event) => {
  event.preventDefault();
  sendCommand($("command-input").value);
});
for (const chip of document.querySelectorAll("[data-command]")) {
  chip.addEventListener("click", () => sendCommand(chip.dataset.command));
}
$("time-travel-input").addEventListener("input", () => {
  state.travelInputDirty = true;
});
$("time-travel").addEventListener("submit", (event) => {
  event.preventDefault();
  const [date, time] = $("time-travel-input").value.split("T");
  if (!date || !time) {
    $("time-travel-status").textContent = "Pick a date and a time first.";
    return;
  }
  const [y, mo, d] = date.split("-").map(Number);
  const [h, mi] = time.split(":").map(Number);
  travelTo(fromWall(y, mo, d, h, mi));
});
for (const button of document.querySelectorAll("[data-quick]")) {
  button.addEventListener("click", () => {
    if (state.nowMs === null) return;
    const w = wall(state.nowMs);
    const to = {
      hour: () => state.nowMs + 3_600_000,
      day: () => fromWall(w.y, w.mo, w.d + 1, w.h, w.mi),
      morning: () => nextSchoolMorning(state.nowMs),
    }[button.dataset.quick]();
    if (to !== null) travelTo(to);
  });
}
$("form").addEventListener("submit", submitForm);
$("form-cancel").addEventListener("click", () => $("form-dialog").close());
$("form-dialog").addEventListener("close", () => {
  state.form = null;
  if (state.opener?.isConnected) state.opener.focus();
});

loadPeople().then(() => {
  if (state.as) choose(state.as);
  else refreshClock();
});
setInterval(() => {
  if (!document.hidden) refresh();
}, POLL_MS);
