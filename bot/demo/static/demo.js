// Lapor TPPO demo page: replays the Bot API stand-in's change log and acts as demo users.
//
// Everything the bot does reaches this page as Telegram Message objects (text + entities, media,
// keyboards) or as chat changes, and is drawn generically: a feature added to the bot later shows
// here without changing this file. Nothing is ever put into the page as HTML: text goes in as
// text nodes, so whatever a message holds can only ever show as characters.
"use strict";

const state = {
  strings: {}, lang: "id", config: null, after: 0,
  people: new Map(), chats: new Map(), busy: new Set(), commands: {},
  scenarios: new Map(), clock: null, clockAt: 0, actions: new Map(),
};
const ACTION_SHOWN = 5000; // ms a sendChatAction ("typing", "upload_photo") stays on screen

// --- small helpers ----------------------------------------------------------------------------

function t(key, values = {}) {
  const table = state.strings[state.lang] || state.strings.id || {};
  let text = table[key] ?? key;
  for (const [name, value] of Object.entries(values)) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "class") node.className = value;
    else if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)};
  const response = await fetch(`/demo/api/${path}`, options);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.detail ? String(data.detail) : `HTTP ${response.status}`);
  return data;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function safeHref(url) {
  try {
    const parsed = new URL(url);
    return ["http:", "https:", "mailto:", "tel:"].includes(parsed.protocol) ? parsed.href : null;
  } catch { return null; }
}

function chat(id) {
  if (!state.chats.has(id)) state.chats.set(id, {view: {id}, items: new Map(), order: 0});
  return state.chats.get(id);
}

function personName(user) {
  if (!user) return "";
  if (user.is_bot) return user.first_name || t("bot");
  return state.people.get(user.id)?.name || user.first_name || String(user.id);
}

// --- entities: Telegram's formatting, rebuilt as DOM -------------------------------------------

const ENTITY_TAGS = {bold: "strong", italic: "em", underline: "u", strikethrough: "s", code: "code",
  blockquote: "blockquote", expandable_blockquote: "blockquote"};

function renderEntities(text, entities, pane) {
  // Offsets count UTF-16 code units, exactly like JavaScript strings.
  const sorted = [...(entities || [])].sort((a, b) => a.offset - b.offset || b.length - a.length);
  const fragment = document.createDocumentFragment();
  const build = (start, end, list, parent) => {
    let at = start;
    let i = 0;
    while (i < list.length) {
      const entity = list[i];
      const stop = entity.offset + entity.length;
      const inside = [];
      let j = i + 1;
      while (j < list.length && list[j].offset < stop) { if (list[j].offset + list[j].length <= stop) inside.push(list[j]); j++; }
      if (entity.offset > at) parent.append(text.slice(at, entity.offset));
      const node = entityNode(entity, text.slice(entity.offset, stop), pane);
      build(entity.offset, stop, inside, node);
      parent.append(node);
      at = Math.max(at, stop);
      i = j;
    }
    if (at < end) parent.append(text.slice(at, end));
  };
  build(0, text.length, sorted, fragment);
  return fragment;
}

function entityNode(entity, inner, pane) {
  if (entity.type === "text_link" || entity.type === "url") {
    const href = safeHref(entity.type === "url" ? inner : entity.url || "");
    return href ? el("a", {href, target: "_blank", rel: "noopener noreferrer"})
      : el("span", {class: "blocked-link", title: t("link_blocked")});
  }
  if (entity.type === "bot_command" && pane) {
    // In Telegram a command in a message is tappable: here it sends it as the pane's person.
    return el("button", {type: "button", class: "command", onclick: () => pane.send(inner)});
  }
  if (entity.type === "pre") return el("pre", {"data-language": entity.language});
  if (entity.type === "spoiler") return el("span", {class: "spoiler", tabindex: 0, onclick: (e) => e.currentTarget.classList.add("shown"), onkeydown: (e) => { if (e.key === "Enter" || e.key === " ") e.currentTarget.classList.add("shown"); }});
  return el(ENTITY_TAGS[entity.type] || "span", {class: `entity-${entity.type}`});
}

// --- one message -------------------------------------------------------------------------------

const SERVICE = {
  forum_topic_created: (m) => t("topic_created", {name: m.forum_topic_created.name}),
  forum_topic_edited: (m) => t("topic_edited", {name: m.forum_topic_edited.name || ""}),
  forum_topic_closed: () => t("topic_closed"),
  forum_topic_reopened: () => t("topic_reopened"),
};

function fileUrl(file) { return `/demo/api/files/${encodeURIComponent(file.file_id)}`; }

function mediaNode(message) {
  if (message.photo) {
    const size = message.photo[message.photo.length - 1];
    return el("img", {src: fileUrl(size), alt: t("photo"), width: size.width, height: size.height, loading: "lazy"});
  }
  if (message.voice || message.audio) {
    const file = message.voice || message.audio;
    return el("audio", {controls: true, src: fileUrl(file), preload: "none", "aria-label": t("voice", {n: file.duration || 0})});
  }
  if (message.video || message.animation || message.video_note) {
    const file = message.video || message.animation || message.video_note;
    return el("video", {controls: true, src: fileUrl(file), preload: "none", "aria-label": t("video"), width: 240});
  }
  if (message.document) {
    return el("a", {href: fileUrl(message.document), download: message.document.file_name || "file", class: "document"},
      `📄 ${t("document")}: ${message.document.file_name || ""}`);
  }
  if (message.venue) return el("p", {class: "place"}, `📍 ${message.venue.title} — ${message.venue.address}`);
  if (message.location) return el("p", {class: "place"}, `📍 ${t("location")}: ${message.location.latitude.toFixed(4)}, ${message.location.longitude.toFixed(4)}`);
  if (message.sticker) return el("p", {class: "sticker"}, message.sticker.emoji || `[${t("sticker")}]`);
  if (message.contact) return el("p", {}, `👤 ${t("contact")}: ${message.contact.first_name || ""} ${message.contact.phone_number || ""}`);
  if (message.dice) return el("p", {}, `${message.dice.emoji} ${message.dice.value}`);
  if (message.poll) return el("div", {class: "poll"}, el("p", {}, `📊 ${t("poll")}: ${message.poll.question}`),
    el("ul", {}, message.poll.options.map((o) => el("li", {}, o.text))));
  return null;
}

function keyboardNode(message, pane) {
  const rows = message.reply_markup?.inline_keyboard;
  if (!rows?.length) return null;
  return el("div", {class: "kb", role: "group", "aria-label": t("buttons")}, rows.map((row) =>
    el("div", {class: "kb-row"}, row.map((button) => {
      if (button.callback_data !== undefined) {
        return el("button", {type: "button", "data-callback": button.callback_data,
          onclick: () => pane.press(message.message_id, button.callback_data)}, button.text);
      }
      const href = safeHref(button.url || "");
      if (href) return el("a", {class: "kb-link", href, target: "_blank", rel: "noopener noreferrer"}, `${button.text} ↗`);
      return el("button", {type: "button", disabled: true, title: Object.keys(button).join(", ")}, button.text);
    }))));
}

function messageBody(message, meta, pane) {
  const parts = [];
  for (const [key, describe] of Object.entries(SERVICE)) {
    if (message[key]) return [el("p", {class: "service"}, describe(message))];
  }
  if (message.forward_origin) {
    const origin = message.forward_origin;
    const name = personName(origin.sender_user) || origin.sender_user_name || origin.type;
    parts.push(el("p", {class: "forwarded", role: "note"}, `⚠ ${t("forwarded", {name})}`));
  }
  if (message.reply_to_message) {
    const quoted = message.reply_to_message.text || message.reply_to_message.caption || "…";
    parts.push(el("blockquote", {class: "reply-to"}, `${t("reply_to")}: ${quoted.slice(0, 80)}`));
  }
  const media = mediaNode(message);
  if (media) parts.push(media);
  if (message.text !== undefined) parts.push(el("div", {class: "text"}, renderEntities(message.text, message.entities, pane)));
  if (message.caption !== undefined) parts.push(el("div", {class: "text caption"}, renderEntities(message.caption, message.caption_entities, pane)));
  if (!parts.length) {
    const what = meta.method || Object.keys(message).filter((k) => !["message_id", "date", "chat", "from", "message_thread_id", "is_topic_message", "edit_date", "reply_markup", "has_protected_content"].includes(k)).join(", ");
    parts.push(el("p", {class: "service"}, t("not_drawn", {what: what || "?"})));
  }
  const keyboard = keyboardNode(message, pane);
  if (keyboard) parts.push(keyboard);
  if (meta.reactions?.length) parts.push(el("p", {class: "reactions"}, meta.reactions.join(" ")));
  return parts;
}

function headerNode(item, chatState, pane) {
  const {message, meta} = item;
  const time = new Date(message.date * 1000);
  const stamp = new Intl.DateTimeFormat(state.lang, {hour: "2-digit", minute: "2-digit", timeZone: state.config.timezone}).format(time);
  const topic = message.message_thread_id && chatState.view.topics?.find((x) => x.message_thread_id === message.message_thread_id);
  const me = message.from && message.from.id === pane.actor();
  return el("p", {class: "who"},
    el("span", {class: "name"}, me ? `${personName(message.from)} (${t("you")})` : personName(message.from)),
    " · ", el("time", {datetime: time.toISOString()}, stamp),
    topic && pane.topic() === "" ? el("span", {class: "tag topic"}, `# ${topic.name}`) : null,
    meta.edits ? el("span", {class: "tag edited"}, meta.edits > 1 ? t("edited_count", {n: meta.edits}) : t("edited")) : null,
    message.has_protected_content ? el("span", {class: "tag protected"}, `🔒 ${t("protected")}`) : null,
    meta.copied ? el("span", {class: "tag"}, t("copied")) : null);
}

function fillItem(li, item, chatState, pane) {
  const {message, meta} = item;
  li.className = ["msg", meta.from_bot ? "from-bot" : "from-user",
    message.from?.id === pane.actor() ? "mine" : "", meta.deleted ? "deleted" : "",
    meta.edits ? "edited" : "", SERVICE_KEYS.some((k) => message[k]) ? "service-msg" : ""].filter(Boolean).join(" ");
  li.dataset.mid = message.message_id;
  li.dataset.edits = meta.edits || 0;
  if (meta.deleted) {
    li.replaceChildren(el("p", {class: "service"}, `🗑 ${t("deleted")}`));
    return;
  }
  li.replaceChildren(headerNode(item, chatState, pane), ...messageBody(message, meta, pane));
}
const SERVICE_KEYS = Object.keys(SERVICE);

// --- panes -------------------------------------------------------------------------------------

class Pane {
  constructor(root, options) {
    this.root = root;
    this.options = options; // actor(): person id; chatId(): chat id; topic(): thread filter
    this.log = root.querySelector(".log");
    this.typing = root.querySelector(".typing");
    this.toasts = root.querySelector(".toasts");
    this.keys = root.querySelector(".reply-keys");
    this.pinned = root.querySelector(".pinned");
    this.form = root.querySelector(".composer");
    this.shown = null;
    this.form.addEventListener("submit", (event) => { event.preventDefault(); this.submit(); });
    const field = this.form.elements.text;
    field.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey && field.tagName === "TEXTAREA") { event.preventDefault(); this.submit(); }
    });
    for (const button of this.form.querySelectorAll("[data-send]")) {
      button.addEventListener("click", () => this.attach(button.dataset.send));
    }
  }

  actor() { return this.options.actor(); }
  chatId() { return this.options.chatId(); }
  topic() { return this.options.topic ? this.options.topic() : ""; }

  async act(body) {
    // Busy at once: the stand-in's "answered" event clears it once the bot has replied.
    const chatId = this.chatId();
    state.busy.add(chatId);
    this.decorate();
    try {
      await api("act", {person: this.actor(), chat: chatId, thread: this.topic() ? Number(this.topic()) : null, ...body});
    } catch (error) {
      state.busy.delete(chatId);
      this.decorate();
      this.toast(t("act_failed", {why: error.message}), true);
    }
  }

  send(text) { return this.act({kind: "text", text}); }
  press(messageId, data) { return this.act({kind: "press", message_id: messageId, data}); }

  submit() {
    const field = this.form.elements.text;
    const text = field.value;
    if (!text.trim()) { field.focus(); return; }
    field.value = "";
    this.send(text);
  }

  attach(kind) {
    if (kind === "location") {
      const place = state.config.places[Number(this.form.querySelector(".place").value) || 0];
      this.act({kind, latitude: place.latitude, longitude: place.longitude});
    } else {
      const field = this.form.elements.text;
      this.act({kind, text: kind === "photo" ? field.value : ""});
      if (kind === "photo") field.value = "";
    }
  }

  toast(text, alert = false) {
    const note = el("p", {class: alert ? "toast alert" : "toast"}, text);
    this.toasts.append(note);
    setTimeout(() => note.remove(), alert ? 8000 : 4000);
  }

  visible(item) {
    if (item.call) return true;
    const topic = this.topic();
    return !topic || item.message.message_thread_id === Number(topic);
  }

  itemNode(item, chatState) {
    if (item.call) return el("li", {class: "msg system", "data-call": item.call}, `⚙ ${t("bot_called", {method: item.call})}`);
    const li = el("li");
    fillItem(li, item, chatState, this);
    return li;
  }

  // Redraw everything (another chat, topic or language).
  redraw() {
    const chatState = chat(this.chatId());
    this.shown = this.chatId();
    // A whole chat drawn at once is not news: keep screen readers from reading it all out.
    this.log.setAttribute("aria-live", "off");
    setTimeout(() => this.log.setAttribute("aria-live", "polite"), 0);
    const items = [...chatState.items.values()].filter((item) => this.visible(item)).sort((a, b) => a.order - b.order);
    this.log.replaceChildren(...items.map((item) => this.itemNode(item, chatState)));
    this.decorate();
    this.log.scrollTop = this.log.scrollHeight;
  }

  // Show changed items of the shown chat; an edit changes the message's own node, in place.
  update(changed) {
    if (this.shown !== this.chatId()) { this.redraw(); return; }
    const chatState = chat(this.chatId());
    const nearBottom = this.log.scrollHeight - this.log.scrollTop - this.log.clientHeight < 80;
    for (const key of changed) {
      const item = chatState.items.get(key);
      if (!item || !this.visible(item)) continue;
      const existing = item.call ? null : this.log.querySelector(`li[data-mid="${item.message.message_id}"]`);
      if (existing) {
        const focused = existing.contains(document.activeElement) ? document.activeElement : null;
        fillItem(existing, item, chatState, this);
        if (focused) this.refocus(existing, focused);
      } else {
        this.log.append(this.itemNode(item, chatState));
      }
    }
    this.decorate();
    if (nearBottom) this.log.scrollTop = this.log.scrollHeight;
  }

  // Keep keyboard focus on the "same" button after its message is redrawn by an edit.
  refocus(li, old) {
    const data = old.dataset?.callback;
    const target = (data !== undefined && li.querySelector(`[data-callback="${CSS.escape(data)}"]`)) || li.querySelector("button") || this.log;
    target.focus();
  }

  decorate() {
    // Keyboard users tab through the newest question's buttons only, not every old keyboard
    // in the chat (those stay clickable, as in Telegram).
    const items = [...this.log.children];
    const newest = items.filter((li) => li.querySelector(".kb, .command")).pop();
    for (const li of items) {
      for (const control of li.querySelectorAll("button, a")) control.tabIndex = li === newest ? 0 : -1;
    }
    const chatState = chat(this.chatId());
    const view = chatState.view;
    const busy = state.busy.has(this.chatId());
    this.root.dataset.busy = busy ? "true" : "false";
    const acting = Date.now() - (state.actions.get(this.chatId()) || 0) < ACTION_SHOWN;
    this.typing.textContent = busy || acting ? t("typing", {bot: state.config.bot.first_name}) : "";
    const left = view.bot_is_member === false;
    this.root.querySelector(".left-note")?.remove();
    if (left) this.log.before(el("p", {class: "left-note", role: "note"}, t("bot_left")));
    const keyboard = view.reply_keyboard?.keyboard || [];
    const used = () => {
      if (view.reply_keyboard?.one_time_keyboard) { view.reply_keyboard = null; this.decorate(); }
    };
    this.keys.replaceChildren(...keyboard.map((row) => el("div", {class: "kb-row"}, row.map((button) => {
      const label = typeof button === "string" ? button : button.text;
      const location = typeof button === "object" && button.request_location;
      return el("button", {type: "button", onclick: () => { used(); return location ? this.attach("location") : this.send(label); }}, label);
    }))));
    const pinnedId = view.pinned?.[view.pinned.length - 1];
    const pinned = pinnedId && chatState.items.get(`m${pinnedId}`);
    this.pinned.hidden = !pinned;
    this.pinned.textContent = pinned ? `📌 ${t("pinned")}: ${(pinned.message.text || pinned.message.caption || "").slice(0, 90)}` : "";
  }
}

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
      const data = await api(`events?after=${state.after}`);
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
