// One message, drawn from the Telegram Message object the bot's call produced: text with its
// entities, media, service notes, inline keyboards. Generic, so new kinds of calls show up.

import {chat, el, personName, safeHref, state, t} from "./base.js";

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

export function fillItem(li, item, chatState, pane) {
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
