// Lapor TPPO demo page: replays the Bot API stand-in's change log and acts as demo users.
//
// Everything the bot does reaches this page as Telegram Message objects (text + entities, media,
// keyboards) or as chat changes, and is drawn generically (messages.js, pane.js): a feature added
// to the bot later shows here without changing the page.

import {api, chat, el, sleep, state, t, ACTION_SHOWN} from "./base.js";
import {Pane} from "./pane.js";

// --- the three panes and their pickers ----------------------------------------------------------

const ui = {};

function reporters() { return [...state.people.values()].filter((p) => p.role === "reporter"); }
function staff() { return [...state.people.values()].filter((p) => p.role === "staff"); }

function fillPicker(select, people, mark) {
  const current = select.value;
  select.replaceChildren(...people.map((p) => el("option", {value: p.id}, mark(p))));
  if (current && people.some((p) => String(p.id) === current)) select.value = current;
}

function refreshPickers() {
  fillPicker(ui.reporterPick, reporters(), (p) => `${p.name}${p.language_code !== "id" ? ` (${p.language_code})` : ""}`);
  const duty = state.clock?.on_duty;
  fillPicker(ui.staffPick, staff(), (p) => `${p.name}${p.title ? ` — ${p.title}` : ""}${p.id === duty ? ` (${t("on_duty_mark")})` : ""}`);
  const topics = chat(state.config.staff_chat).view.topics || [];
  const currentTopic = ui.topicPick.value;
  ui.topicPick.replaceChildren(el("option", {value: ""}, t("all_topics")),
    ...topics.map((topic) => el("option", {value: topic.message_thread_id}, topic.name)));
  ui.topicPick.value = topics.some((x) => String(x.message_thread_id) === currentTopic) ? currentTopic : "";
  const member = state.people.get(Number(ui.staffPick.value));
  ui.dutyName.textContent = member ? member.name : "";
  const onDuty = state.people.get(duty);
  ui.dutyHint.textContent = onDuty ? t("on_duty", {name: onDuty.name}) : t("nobody_on_duty");
}

function commandsFor(pane) {
  const person = state.people.get(pane.actor());
  const language = person?.language_code || "";
  for (const key of [`all_private_chats|${language}`, "all_private_chats|", `default|${language}`, "default|"]) {
    if (state.commands[key]?.length) return state.commands[key];
  }
  return [];
}

function refreshCommands() {
  const box = ui.reporter.root.querySelector(".commands");
  box.replaceChildren(...commandsFor(ui.reporter).map((command) =>
    el("button", {type: "button", onclick: () => ui.reporter.send(`/${command.command}`)}, `/${command.command} — ${command.description}`)));
}

// --- applying the change log -------------------------------------------------------------------

function apply(event, changed) {
  const mark = (chatId, key) => { if (!changed.has(chatId)) changed.set(chatId, new Set()); changed.get(chatId).add(key); };
  switch (event.kind) {
    case "person": state.people.set(event.person.id, event.person); changed.set("people", true); break;
    case "chat": chat(event.chat.id).view = event.chat; changed.set("people", true); mark(event.chat.id, "chat"); break;
    case "message": {
      const chatState = chat(event.chat);
      const key = `m${event.message.message_id}`;
      const old = chatState.items.get(key);
      chatState.items.set(key, {message: event.message, meta: event.meta, order: old ? old.order : ++chatState.order});
      mark(event.chat, key);
      break;
    }
    case "deleted": {
      const item = chat(event.chat).items.get(`m${event.message_id}`);
      if (item) { item.meta = {...item.meta, deleted: true}; mark(event.chat, `m${event.message_id}`); }
      break;
    }
    case "call": {
      const chatState = chat(event.chat);
      const key = `c${event.seq}`;
      chatState.items.set(key, {call: event.method, order: ++chatState.order});
      mark(event.chat, key);
      break;
    }
    case "busy": if (event.busy) state.busy.add(event.chat); else state.busy.delete(event.chat); mark(event.chat, "busy"); break;
    case "action":
      state.actions.set(event.chat, Date.now());
      mark(event.chat, "action");
      setTimeout(() => { for (const pane of panes()) pane.decorate(); }, ACTION_SHOWN + 50);
      break;
    case "toast": if (state.live) for (const pane of panes()) if (pane.chatId() === event.chat) pane.toast(event.text, event.alert); break;
    case "commands": state.commands = event.commands; changed.set("commands", true); break;
    case "scenario": state.scenarios.set(event.id, event); changed.set("scenario", event.id); break;
    default: break;
  }
}

function panes() { return [ui.reporter, ui.group, ui.duty]; }

function render(changed) {
  if (changed.has("people")) refreshPickers();
  if (changed.has("commands") || changed.has("people")) refreshCommands();
  if (changed.has("scenario")) showScenario(state.scenarios.get(changed.get("scenario")));
  for (const pane of panes()) {
    const keys = changed.get(pane.chatId());
    if (pane.shown !== pane.chatId()) pane.redraw();
    else if (keys) pane.update([...keys].filter((k) => /^[mc]\d/.test(k)));
  }
}

async function follow() {
  for (;;) {
    try {
      const data = await api(`events?after=${state.after}&run=${state.config.run}`);
      if (data.reset) { location.reload(); return; }
      const changed = new Map();
      for (const event of data.events) { apply(event, changed); state.after = event.seq; }
      render(changed);
      state.live = true;
      ui.connection.textContent = "";
    } catch (error) {
      ui.connection.textContent = t("offline");
      await sleep(2000);
    }
  }
}

// --- scenarios and clock -----------------------------------------------------------------------

function scenarioTitle(id) {
  const scenario = state.config.scenarios.find((s) => s.id === id);
  return scenario ? (scenario.title[state.lang] || scenario.title.id || id) : id;
}

function showScenario(event) {
  if (!event) return;
  const title = scenarioTitle(event.id);
  const values = {title, n: event.reports, filed: event.filed ?? 0, why: (event.failures || []).join("; ")};
  ui.scenarioStatus.textContent = t(event.state === "running" ? "scenario_running" : event.state === "done" ? "scenario_done" : "scenario_failed", values);
}

function drawScenarioButtons() {
  ui.scenarioButtons.replaceChildren(...state.config.scenarios.map((s) =>
    el("button", {type: "button", "data-scenario": s.id, onclick: async () => {
      try { await api(`scenarios/${encodeURIComponent(s.id)}`, {}); } catch (error) { ui.scenarioStatus.textContent = error.message; }
    }}, scenarioTitle(s.id))));
}

function showClock() {
  if (!state.clock) return;
  const elapsed = (performance.now() - state.clockAt) / 1000 * state.clock.factor;
  const now = new Date(Date.parse(state.clock.now) + elapsed * 1000);
  const text = new Intl.DateTimeFormat(state.lang, {weekday: "short", hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone: state.config.timezone, timeZoneName: "short"}).format(now);
  ui.clockNow.textContent = `${text} · ${t("factor", {n: state.clock.factor})}`;
  ui.fastClock.checked = state.clock.factor > 1;
}

function takeClock(clock) {
  const dutyChanged = state.clock?.on_duty !== clock.on_duty;
  state.clock = clock;
  state.clockAt = performance.now();
  if (dutyChanged) refreshPickers();
  showClock();
}

async function watchClock() {
  for (;;) {
    try { takeClock(await api("clock")); } catch { /* shown by the event loop */ }
    await sleep(5000);
  }
}

// --- language ----------------------------------------------------------------------------------

function translatePage() {
  document.documentElement.lang = state.lang;
  for (const node of document.querySelectorAll("[data-t]")) node.textContent = t(node.dataset.t);
  for (const node of document.querySelectorAll("[data-t-label]")) node.setAttribute("aria-label", t(node.dataset.tLabel));
  for (const node of document.querySelectorAll("[data-t-placeholder]")) node.setAttribute("placeholder", t(node.dataset.tPlaceholder));
  ui.placePicks.forEach((select) => {
    const current = select.value;
    select.replaceChildren(...state.config.places.map((place, i) => el("option", {value: i}, place.name)));
    select.value = current || "0";
  });
  drawScenarioButtons();
  refreshPickers();
  refreshCommands();
  for (const pane of panes()) pane.redraw();
  showClock();
}

// --- start -------------------------------------------------------------------------------------

async function start() {
  state.strings = await (await fetch("/demo/static/strings.json")).json();
  state.config = await api("config");
  const asked = new URLSearchParams(location.search).get("lang");
  state.lang = ["id", "en"].includes(asked) ? asked : (state.config.locale === "en" ? "en" : "id");
  Object.assign(ui, {
    reporterPick: document.getElementById("reporter-pick"), staffPick: document.getElementById("staff-pick"),
    topicPick: document.getElementById("topic-pick"), dutyName: document.querySelector("#duty .duty-name"),
    dutyHint: document.querySelector("#duty .duty-hint"), scenarioButtons: document.getElementById("scenario-buttons"),
    scenarioStatus: document.getElementById("scenario-status"), connection: document.getElementById("connection"),
    clockNow: document.getElementById("clock-now"), fastClock: document.getElementById("fast-clock"),
    placePicks: [...document.querySelectorAll("select.place")],
  });
  const reporter = () => Number(ui.reporterPick.value);
  const member = () => Number(ui.staffPick.value);
  ui.reporter = new Pane(document.getElementById("reporter"), {actor: reporter, chatId: reporter});
  ui.group = new Pane(document.getElementById("group"), {actor: member, chatId: () => state.config.staff_chat, topic: () => ui.topicPick.value});
  ui.duty = new Pane(document.getElementById("duty"), {actor: member, chatId: member});
  // Replay what happened so far before showing it (a screen reader hears only what is new).
  const first = await api("events?after=0");
  const changed = new Map();
  for (const event of first.events) { apply(event, changed); state.after = event.seq; }
  takeClock(state.config.clock);
  refreshPickers();
  if (state.clock.on_duty) ui.staffPick.value = String(state.clock.on_duty);
  const pageLang = document.getElementById("page-lang");
  pageLang.value = state.lang;
  pageLang.addEventListener("change", () => { state.lang = pageLang.value; translatePage(); });
  ui.reporterPick.addEventListener("change", () => { ui.reporter.redraw(); refreshCommands(); });
  ui.staffPick.addEventListener("change", () => { refreshPickers(); ui.group.redraw(); ui.duty.redraw(); });
  ui.topicPick.addEventListener("change", () => ui.group.redraw());
  document.getElementById("new-reporter").addEventListener("click", async () => {
    const person = await api("reporters", {});
    state.people.set(person.id, person);
    refreshPickers();
    ui.reporterPick.value = String(person.id);
    ui.reporter.redraw();
    ui.reporter.form.elements.text.focus();
  });
  ui.fastClock.addEventListener("change", async () => takeClock(await api("clock", {factor: ui.fastClock.checked ? 60 : 1})));
  translatePage();
  document.body.dataset.ready = "true";
  setInterval(showClock, 1000);
  watchClock();
  follow();
}

document.addEventListener("DOMContentLoaded", () => { start().catch((error) => {
  document.getElementById("connection").textContent = `${error.message}`;
}); });
