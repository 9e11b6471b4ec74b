// A chat pane: one chat's log, its "typing…" line, reply keyboard and composer, acting as the
// pane's person. An edit redraws the message's own node, in place.

import {ACTION_SHOWN, api, chat, el, state, t} from "./base.js";
import {fillItem} from "./messages.js";

// --- panes -------------------------------------------------------------------------------------

export class Pane {
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
