// Shared by the demo page's modules: its state, translations, DOM and API helpers.
//
// Nothing is ever put into the page as HTML: text goes in as text nodes, so whatever a message
// holds can only ever show as characters.

export const state = {
  strings: {}, lang: "id", config: null, after: 0,
  people: new Map(), chats: new Map(), busy: new Set(), commands: {},
  scenarios: new Map(), clock: null, clockAt: 0, actions: new Map(),
};
export const ACTION_SHOWN = 5000; // ms a sendChatAction ("typing", "upload_photo") stays on screen

// --- small helpers ----------------------------------------------------------------------------

export function t(key, values = {}) {
  const table = state.strings[state.lang] || state.strings.id || {};
  let text = table[key] ?? key;
  for (const [name, value] of Object.entries(values)) text = text.replaceAll(`{${name}}`, String(value));
  return text;
}

export function el(tag, props = {}, ...children) {
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

export async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)};
  const response = await fetch(`/demo/api/${path}`, options);
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(data.detail ? String(data.detail) : `HTTP ${response.status}`);
  return data;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export function safeHref(url) {
  try {
    const parsed = new URL(url);
    return ["http:", "https:", "mailto:", "tel:"].includes(parsed.protocol) ? parsed.href : null;
  } catch { return null; }
}

export function chat(id) {
  if (!state.chats.has(id)) state.chats.set(id, {view: {id}, items: new Map(), order: 0});
  return state.chats.get(id);
}

export function personName(user) {
  if (!user) return "";
  if (user.is_bot) return user.first_name || t("bot");
  return state.people.get(user.id)?.name || user.first_name || String(user.id);
}
