// The agent desktop: one WebSocket, numbered events, resume from the last number seen.
// Protocol: docs/events-protocol.md. Everything from the network is shown with textContent.
// Layout, shortcuts, sound and notifications: docs/desktop.md.

import { csrfToken, element, fmt } from "./dom.js";
import { everySecond, tickText } from "../ticking.js";

const root = document.getElementById("desk");
const T = JSON.parse(document.getElementById("desk-strings").textContent);
const $ = (selector, scope = document) => scope.querySelector(selector);

const desk = {
  socket: null,
  lastEventId: null, // null until the first state: a fresh hello
  chats: new Map(), // contact id -> {el, seen:Set, pending:Map}
  offers: new Map(), // contact id -> {el, timer}
  outbox: new Map(), // ref -> frame, resent after a reconnect until acknowledged
  retry: 500,
  refs: 0,
  ended: null, // the session ended (session.ended): its message; never reconnect then
  since: Date.now(), // when the current presence began, on the browser's clock (the state bar's timer)
  skew: 0, // the server's clock minus the browser's (from the state frame's server_now)
  selected: null,
  panels: new Map(), // contact id -> the last panel frame (canned variables)
};
window.relaisDesk = desk; // for the browser tests (cut the connection)

function showError(message) {
  $("#desk-error").textContent = message || "";
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}${root.dataset.socket}`);
  desk.socket = socket;
  $("#desk-link").textContent = T.connecting;
  socket.addEventListener("open", () => {
    desk.retry = 500;
    $("#desk-link").textContent = T.online;
    root.dataset.online = "1";
    const hello = { type: "hello" };
    if (desk.lastEventId !== null) hello.last_event_id = desk.lastEventId;
    socket.send(JSON.stringify(hello));
    for (const [ref, frame] of desk.outbox) socket.send(JSON.stringify({ ...frame, ref }));
  });
  socket.addEventListener("message", (message) => receive(JSON.parse(message.data)));
  socket.addEventListener("close", (event) => {
    root.dataset.online = "0";
    if (desk.ended !== null || event.code === 4401) return sessionEnded(desk.ended || T.session_ended);
    $("#desk-link").textContent = T.reconnecting;
    setTimeout(connect, desk.retry);
    desk.retry = Math.min(desk.retry * 2, 4000);
  });
}

// Signed out, deactivated, password changed…: the socket closed for good (4401). Say so and
// offer to sign in again; no reconnection.
function sessionEnded(message) {
  root.dataset.ended = "1";
  $("#desk-link").textContent = T.session_over;
  const alert = $("#desk-error");
  alert.textContent = message;
  const again = element("a", "", T.sign_in_again);
  again.href = location.pathname;
  alert.append(" ", again);
}

// softphone.js asks for frames of its own (consulting a colleague)
root.addEventListener("desk:send", (event) => send(event.detail.frame, { reliable: true }));

function send(frame, { reliable = false } = {}) {
  const ref = `r${++desk.refs}`;
  if (reliable) desk.outbox.set(ref, frame);
  if (desk.socket && desk.socket.readyState === WebSocket.OPEN) {
    desk.socket.send(JSON.stringify({ ...frame, ref }));
  }
  return ref;
}

function receive(frame) {
  if (frame.type === "ack") {
    desk.outbox.delete(frame.ref);
    return;
  }
  if (frame.type === "session.ended") {
    desk.ended = frame.message || T.session_ended;
    return;
  }
  if (frame.type === "error") {
    const refused = frame.ref ? desk.outbox.get(frame.ref) : undefined;
    if (frame.ref) desk.outbox.delete(frame.ref);
    showError(frame.message);
    if (refused) tell("desk:refused", { frame: refused, code: frame.code }); // e.g. softphone.js
    return;
  }
  if (frame.type === "state") return applyState(frame);
  if (frame.type === "panel") return showPanel(frame);
  if (frame.type === "chat.typing") return showTyping(frame.contact_id);
  if (typeof frame.id === "number") {
    if (desk.lastEventId !== null && frame.id <= desk.lastEventId) return; // seen already
    desk.lastEventId = frame.id;
  }
  const handler = handlers[frame.type];
  if (handler) handler(frame);
}

function applyState(state) {
  desk.lastEventId = state.last_event_id;
  if (state.server_now) desk.skew = Date.parse(state.server_now) - Date.now();
  for (const id of [...desk.chats.keys()]) closeChat(id);
  for (const id of [...desk.offers.keys()]) endOffer(id);
  $("#desk-presence").dataset.state = "";
  showPresence(state.presence, state.break_reason, state.presence_since);
  state.offers.forEach(showOffer);
  state.chats.forEach(openChat);
  $("#desk-help-log").replaceChildren();
  state.help.forEach(showHelp);
  $("#desk-broadcasts").replaceChildren();
  (state.broadcasts || []).forEach(showBroadcast);
  showBroadcastsEmpty();
  document.dispatchEvent(new CustomEvent("relais:briefings")); // missed while disconnected
}

const handlers = {
  "offer.made": showOffer,
  "offer.ended": (frame) => endOffer(frame.contact_id),
  "chat.opened": (frame) => {
    endOffer(frame.chat.contact_id);
    openChat(frame.chat);
  },
  "chat.message": (frame) => addMessage(frame.contact_id, frame.message),
  "contact.completed": (frame) => completed(frame.contact_id),
  "contact.closed": (frame) => closeChat(frame.contact_id),
  "note.added": (frame) => addNote(frame.contact_id, frame.note),
  "call.consult": (frame) => tell("desk:consult", frame), // softphone.js: the call controls
  "presence.changed": (frame) => showPresence(frame.state, frame.break_reason, frame.since),
  "help.message": (frame) => showHelp(frame.message),
  "supervision.broadcast": showBroadcast,
  // briefings/desk.js reads the agent's briefings again
  "briefing.delivered": () => document.dispatchEvent(new CustomEvent("relais:briefings")),
};

// `since` is the server's (when the presence began): the timer counts from it by the server's
// clock, so a reload or a second tab shows the same elapsed time.
function showPresence(state, reason, since) {
  const badge = $("#desk-presence");
  if (badge.dataset.state !== state || since) desk.since = since ? Date.parse(since) - desk.skew : Date.now();
  badge.textContent = T.states[state] || state;
  badge.dataset.state = state;
  badge.className = `badge desk-state desk-state-${state}`;
  tickTimer();
  $("#desk-state").value = state === "break" ? `break:${reason}` : state === "offline" || state === "disconnected" ? "offline" : "available";
}

function showOffer(offer) {
  if (desk.offers.has(offer.contact_id) || desk.chats.has(offer.contact_id)) return;
  const box = element("article", "card desk-offer");
  box.dataset.testid = "offer";
  box.tabIndex = 0;
  box.setAttribute("aria-label", fmt(T.offer, { queue: offer.queue_label }));
  const body = element("div", "card-body");
  body.append(element("strong", "", fmt(T.offer, { queue: offer.queue_label })));
  body.append(element("p", "mb-1", fmt(T.offer_from, { name: offer.customer_name, topic: offer.topic })));
  if (offer.preview) body.append(element("blockquote", "", offer.preview));
  const countdown = element("span", "desk-countdown");
  const accept = element("button", "btn btn-primary btn-sm", T.accept);
  accept.type = "button";
  accept.dataset.testid = "accept";
  accept.setAttribute("aria-keyshortcuts", "Enter A");
  accept.addEventListener("click", () => answerOffer(offer.contact_id, "accept"));
  const reject = element("button", "btn btn-sm", T.reject);
  reject.type = "button";
  reject.dataset.testid = "reject";
  reject.setAttribute("aria-keyshortcuts", "Escape R");
  reject.addEventListener("click", () => answerOffer(offer.contact_id, "reject"));
  const actions = element("div", "d-flex gap-2 align-items-center");
  actions.append(countdown, accept, reject);
  body.append(actions);
  box.append(body);
  box.dataset.contact = offer.contact_id;
  $("#desk-offers").append(box);
  tell("desk:offer", { offer, card: box }); // softphone.js: a voice offer rings here
  const ends = offer.expires_at ? Date.parse(offer.expires_at) : null;
  const tick = () => {
    if (ends === null) return;
    const left = Math.max(0, Math.round((ends - Date.now()) / 1000));
    tickText(countdown, fmt(T.seconds_left, { seconds: left }));
  };
  tick();
  desk.offers.set(offer.contact_id, { el: box, stopTicking: everySecond(tick) });
  offersChanged();
  alertOffer(offer);
  // focused for its shortcuts, unless the agent is typing somewhere
  const active = document.activeElement;
  if (!active || !active.closest("input, textarea, [contenteditable], dialog")) box.focus();
}

function answerOffer(contactId, answer) {
  // softphone.js answers a voice offer over SIP (the voice service accepts it): it cancels this
  if (!tell("desk:answer", { contactId, answer }, { cancelable: true })) return;
  send({ type: answer, contact_id: contactId });
}

// What the page tells softphone.js (docs/desktop.md, "Softphone"); false: it was cancelled.
function tell(name, detail, { cancelable = false } = {}) {
  return root.dispatchEvent(new CustomEvent(name, { detail, cancelable }));
}

function endOffer(contactId) {
  const offer = desk.offers.get(contactId);
  if (!offer) return;
  offer.stopTicking();
  offer.el.remove();
  desk.offers.delete(contactId);
  offersChanged();
  tell("desk:offer-ended", { contactId });
}

// -- sound, notification, title flash ---------------------------------------------------------

const SOUND_KEY = "relais.desk.sound";
let audio = null;
function soundOn() {
  return localStorage.getItem(SOUND_KEY) !== "off";
}
function showSound() {
  const button = $("#desk-sound");
  button.setAttribute("aria-pressed", String(soundOn()));
  $("span", button).textContent = soundOn() ? T.sound_on : T.sound_off;
  $("i", button).className = soundOn() ? "ti ti-volume" : "ti ti-volume-off";
}
function unlockAudio() {
  // Browsers start an AudioContext only after a user gesture: made (or resumed) on the first one.
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return;
  if (!audio) audio = new Context();
  if (audio.state === "suspended") audio.resume();
}
function tone() {
  if (!soundOn() || !audio || audio.state !== "running") return;
  const now = audio.currentTime;
  [0, 0.18].forEach((start, index) => {
    const oscillator = audio.createOscillator();
    const gain = audio.createGain();
    oscillator.type = "sine";
    oscillator.frequency.value = index ? 1046.5 : 784; // G5 then C6
    gain.gain.setValueAtTime(0.0001, now + start);
    gain.gain.exponentialRampToValueAtTime(0.25, now + start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, now + start + 0.16);
    oscillator.connect(gain).connect(audio.destination);
    oscillator.start(now + start);
    oscillator.stop(now + start + 0.17);
  });
}
function showNotify() {
  const button = $("#desk-notify");
  if (!("Notification" in window)) return (button.hidden = true);
  if (Notification.permission === "granted") {
    button.textContent = T.notifications_on;
    button.disabled = true;
  } else if (Notification.permission === "denied") {
    button.textContent = T.notifications_blocked;
    button.disabled = true;
  }
}
function alertOffer(offer) {
  tone();
  if (document.hidden && "Notification" in window && Notification.permission === "granted") {
    const note = new Notification(T.new_offer_title, {
      body: fmt(T.offer_from, { name: offer.customer_name, topic: offer.topic }),
      tag: `offer-${offer.contact_id}`,
    });
    note.onclick = () => {
      window.focus();
      note.close();
    };
  }
}
const baseTitle = document.title;
let flashTimer = null;
function offersChanged() {
  const count = desk.offers.size;
  $("#desk-shortcuts").hidden = count === 0;
  clearInterval(flashTimer);
  flashTimer = null;
  document.title = baseTitle;
  if (count === 0) return;
  let on = false;
  flashTimer = setInterval(() => {
    on = !on;
    document.title = on ? `(${desk.offers.size}) ${T.new_offer_title}` : baseTitle;
  }, 1000);
}

// Enter / A accept, Escape / R reject: the focused offer, or the only one (never while typing).
function offerForKeys(target) {
  if (target.closest && target.closest("button")) return null; // a button does what it says
  const card = target.closest && target.closest(".desk-offer");
  if (card) return Number(card.dataset.contact);
  const typing = target.closest && target.closest("input, textarea, select, button, a, [contenteditable], dialog");
  if (typing || desk.offers.size !== 1) return null;
  return desk.offers.keys().next().value;
}
document.addEventListener("keydown", (event) => {
  if (event.ctrlKey || event.metaKey || event.altKey || desk.offers.size === 0) return;
  const key = event.key.length === 1 ? event.key.toLowerCase() : event.key;
  const answer = key === "Enter" || key === "a" ? "accept" : key === "Escape" || key === "r" ? "reject" : null;
  if (!answer) return;
  const contactId = offerForKeys(event.target);
  if (contactId === null || contactId === undefined) return;
  event.preventDefault();
  answerOffer(contactId, answer);
});

function openChat(chat) {
  if (desk.chats.has(chat.contact_id)) return;
  const el = $("#desk-chat-template").content.firstElementChild.cloneNode(true);
  el.dataset.contact = chat.contact_id;
  const tab = element("button", "nav-link desk-tab");
  tab.type = "button";
  tab.append(element("span", "", chat.customer_name));
  const dot = element("span", "badge bg-red desk-unread", "•");
  dot.hidden = true;
  dot.append(element("span", "visually-hidden", ` ${T.unread}`));
  tab.append(dot);
  tab.setAttribute("role", "tab");
  tab.id = `desk-tab-${chat.contact_id}`;
  el.id = `desk-chat-${chat.contact_id}`;
  el.setAttribute("aria-labelledby", tab.id);
  tab.setAttribute("aria-controls", el.id);
  tab.dataset.testid = "tab";
  tab.addEventListener("click", () => select(chat.contact_id));
  $("#desk-tabs").append(tab);
  $("#desk-chats").append(el);
  const entry = { el, tab, dot, seen: new Set(), typingTimer: null };
  $(".desk-call-controls", el).hidden = chat.channel !== "voice"; // softphone.js wires them
  $("#desk-empty").hidden = true;
  desk.chats.set(chat.contact_id, entry);
  chat.messages.forEach((message) => addMessage(chat.contact_id, message));
  (chat.notes || []).forEach((note) => addNote(chat.contact_id, note));
  if (chat.state !== "accepted") completed(chat.contact_id);
  wire(chat.contact_id, entry);
  // a left message or a callback: read, act, complete and wrap up; nothing to write back here
  if (chat.channel && chat.channel !== "chat") $(".desk-send", el).hidden = true;
  select(chat.contact_id);
  send({ type: "panel", contact_id: chat.contact_id });
  tell("desk:chat", { chat, el });
}

function wire(contactId, entry) {
  const { el } = entry;
  const input = $("textarea", el);
  $(".desk-send", el).addEventListener("submit", (event) => {
    event.preventDefault();
    const body = input.value.trim();
    if (!body) return;
    const clientId = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
    const frame = { type: "message", contact_id: contactId, client_id: clientId, body };
    send(frame, { reliable: true });
    addMessage(contactId, { id: null, sender: "agent", author: "", event: "", body, client_id: clientId, pending: true });
    input.value = "";
  });
  let lastTyping = 0;
  input.addEventListener("input", () => {
    if (Date.now() - lastTyping > 2000) {
      lastTyping = Date.now();
      send({ type: "typing", contact_id: contactId });
    }
  });
  $(".desk-canned-search", el).addEventListener("input", () => filterCanned(contactId));
  $(".desk-complete", el).addEventListener("click", () => send({ type: "complete", contact_id: contactId }, { reliable: true }));
  // the colleagues available now: the panel is read again when the list is opened
  let panelAsked = 0;
  $(".desk-transfer", el).addEventListener("focus", () => {
    if (Date.now() - panelAsked < 3000) return;
    panelAsked = Date.now();
    send({ type: "panel", contact_id: contactId });
  });
  $(".desk-transfer-form", el).addEventListener("submit", (event) => {
    event.preventDefault();
    const select = $(".desk-transfer", el);
    const [kind, target] = select.value.split(":");
    if (!target) return showError(T.transfer_needed);
    const frame = { type: "transfer", contact_id: contactId };
    if (kind === "queue") frame.queue = target;
    else frame.agent_id = Number(target);
    send(frame, { reliable: true });
    select.value = "";
  });
  $(".desk-wrap-up", el).addEventListener("submit", (event) => {
    event.preventDefault();
    const form = event.target;
    if (!form.reason.value) return showError(T.reason_needed);
    send({ type: "wrap_up", contact_id: contactId, reason: form.reason.value, comment: form.comment.value }, { reliable: true });
  });
  $(".desk-note", el).addEventListener("submit", (event) => {
    event.preventDefault();
    const body = event.target.body.value.trim();
    if (body) send({ type: "note", contact_id: contactId, body }, { reliable: true });
    event.target.body.value = "";
  });
}

function select(contactId) {
  desk.selected = contactId;
  for (const [id, entry] of desk.chats) {
    const active = id === contactId;
    entry.el.hidden = !active;
    entry.tab.setAttribute("aria-selected", String(active));
    entry.tab.classList.toggle("active", active);
    entry.tab.tabIndex = active ? 0 : -1;
    if (active) entry.dot.hidden = true;
  }
}

function messageText(message) {
  if (message.event === "callback_requested") {
    return fmt(T.events.callback_requested, { name: message.author, phone: message.body, time: new Date(message.created).toLocaleString() });
  }
  if (message.event) return fmt(T.events[message.event] || message.event, { name: message.author });
  if (message.sender === "supervisor") return fmt(T.supervisor_says, { name: message.author, body: message.body });
  return message.body;
}

function addMessage(contactId, message) {
  const entry = desk.chats.get(contactId);
  if (!entry) return;
  const log = $(".desk-log", entry.el);
  if (message.id !== null && entry.seen.has(message.id)) return;
  if (message.client_id && message.sender === "agent") {
    const pending = log.querySelector(`[data-client="${CSS.escape(message.client_id)}"]`);
    if (pending) {
      if (message.id === null) return;
      pending.classList.remove("pending");
      pending.dataset.id = message.id;
      entry.seen.add(message.id);
      return;
    }
  }
  if (message.id !== null) entry.seen.add(message.id);
  const item = element("li", `msg ${message.sender}${message.pending ? " pending" : ""}`);
  item.dataset.testid = "agent-message";
  if (message.client_id) item.dataset.client = message.client_id;
  if (message.id !== null) item.dataset.id = message.id;
  item.append(element("span", "text", messageText(message)));
  log.append(item);
  log.scrollTop = log.scrollHeight;
  if (message.sender === "customer") {
    $(".desk-typing", entry.el).hidden = true;
    if (desk.selected !== contactId) entry.dot.hidden = false;
  }
}

function showTyping(contactId) {
  const entry = desk.chats.get(contactId);
  if (!entry) return;
  const note = $(".desk-typing", entry.el);
  note.hidden = false;
  clearTimeout(entry.typingTimer);
  entry.typingTimer = setTimeout(() => (note.hidden = true), 4000);
}

function completed(contactId) {
  const entry = desk.chats.get(contactId);
  if (!entry) return;
  entry.el.classList.add("ended");
  $(".desk-send", entry.el).hidden = true;
  $(".desk-actions", entry.el).hidden = true;
  $(".desk-wrap-up", entry.el).hidden = false; // the outcome, once the conversation has ended
}

function closeChat(contactId) {
  const entry = desk.chats.get(contactId);
  if (!entry) return;
  entry.el.remove();
  entry.tab.remove();
  desk.chats.delete(contactId);
  desk.panels.delete(contactId);
  tell("desk:chat-closed", { contactId });
  const next = desk.chats.keys().next();
  if (!next.done) select(next.value);
  $("#desk-empty").hidden = desk.chats.size > 0;
}

function addNote(contactId, note) {
  const entry = desk.chats.get(contactId);
  if (!entry) return;
  const list = $(".desk-notes", entry.el);
  if (list.querySelector(`[data-id="${note.id}"]`)) return;
  const item = element("li", "", `${note.author}: ${note.body}`);
  item.dataset.id = note.id;
  list.append(item);
}

function showPanel(panel) {
  const entry = desk.chats.get(panel.contact_id);
  if (!entry) return;
  const identity = $(".desk-identity", entry.el);
  identity.replaceChildren();
  const fields = [[T.name, panel.name, "name"], [T.email, panel.email, "email"]];
  if (panel.phone) fields.push([T.phone, panel.phone, "phone"]);
  if (panel.address) fields.push([T.address, panel.address, "address"]);
  fields.push([T.language, panel.language, "language"], [T.topic, panel.topic, "topic"]);
  for (const [label, value, key] of fields) {
    const shown = element("dd", "", value || "—");
    shown.dataset.testid = `panel-${key}`;
    identity.append(element("dt", "", label), shown);
  }
  if (panel.masked) identity.append(element("dd", "masked", T.masked));
  showCustomerId(identity, panel);
  const previous = $(".desk-previous", entry.el);
  previous.replaceChildren();
  for (const p of panel.previous) {
    const date = new Date(p.created).toLocaleDateString();
    const button = element("button", "btn btn-link p-0 text-start", `${date} · ${p.channel} · ${p.queue} · ${p.outcome || p.state}`);
    button.type = "button";
    button.dataset.testid = "previous";
    button.setAttribute("aria-label", fmt(T.open_transcript, { date }) + ` (${p.queue})`);
    button.addEventListener("click", () => openTranscript(panel.contact_id, p.contact_id));
    const item = element("li");
    item.append(button);
    previous.append(item);
  }
  if (!panel.previous.length) previous.append(element("li", "", T.none));
  desk.panels.set(panel.contact_id, panel);
  filterCanned(panel.contact_id);
  const queues = $(".desk-transfer-queues", entry.el);
  queues.replaceChildren(...(panel.queues || []).map((q) => option(`queue:${q.code}`, q.label)));
  const colleagues = $(".desk-transfer-colleagues", entry.el);
  colleagues.replaceChildren(...(panel.colleagues || []).map((c) => option(`agent:${c.agent_id}`, c.label)));
}

// The brand's verified customer id (a badge), and the queue's screen-pop link to the CRM.
function showCustomerId(identity, panel) {
  if (panel.customer_id) {
    const shown = element("dd", "", panel.customer_id + " ");
    shown.dataset.testid = "panel-customer-id";
    const badge = element("span", "badge bg-green-lt", T.verified);
    badge.dataset.testid = "panel-verified";
    shown.append(badge);
    identity.append(element("dt", "", T.customer_id), shown);
  } else if (panel.identity_refused) {
    const note = element("dd", "text-warning", fmt(T.not_verified, { code: panel.identity_refused }));
    note.dataset.testid = "panel-not-verified";
    identity.append(note);
  }
  const pop = panel.screen_pop || {};
  if (pop.url) {
    const link = element("a", "btn btn-sm", T.screen_pop);
    link.href = pop.url;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    link.dataset.testid = "screen-pop";
    const item = element("dd");
    item.append(link);
    identity.append(item);
  } else if (pop.withheld) {
    identity.append(element("dd", "masked", T.screen_pop_withheld));
  }
}

function option(value, label) {
  const node = element("option", "", label);
  node.value = value;
  return node;
}

// {prénom} / {first_name}, {agent}, {commande} / {order}: from the panel, masked as it is.
const VARIABLES = { "prénom": "first_name", prenom: "first_name", first_name: "first_name", agent: "agent", commande: "order", order: "order" };
function fillVariables(text, variables) {
  return text.replace(/\{([\wé]+)\}/g, (whole, name) => {
    const key = VARIABLES[name];
    return key && variables[key] ? variables[key] : whole;
  });
}

function filterCanned(contactId) {
  const entry = desk.chats.get(contactId);
  const panel = desk.panels.get(contactId);
  if (!entry || !panel) return;
  const words = $(".desk-canned-search", entry.el).value.trim().toLowerCase();
  const list = $(".desk-canned", entry.el);
  list.replaceChildren();
  for (const response of panel.canned) {
    const text = fillVariables(response.body, panel.variables || {});
    if (words && !`${response.title} ${text}`.toLowerCase().includes(words)) continue;
    const button = element("button", "btn btn-sm btn-ghost-primary w-100 text-start");
    button.type = "button";
    button.dataset.testid = "canned-reply";
    button.append(element("strong", "", response.title), element("span", "d-block desk-canned-text", text));
    button.addEventListener("click", () => {
      const input = $("textarea", entry.el);
      input.value = text;
      input.focus();
    });
    const item = element("li");
    item.append(button);
    list.append(item);
  }
  if (!list.children.length) list.append(element("li", "", T.no_canned));
}

async function openTranscript(contactId, previousId) {
  const url = root.dataset.transcript.replace(/0\/previous\/0$/, `${contactId}/previous/${previousId}`);
  const response = await fetch(url, { headers: { Accept: "application/json" } });
  const data = await response.json();
  if (!response.ok) return showError(data.message);
  const dialog = $("#desk-transcript");
  const date = new Date(data.created).toLocaleString();
  $(".desk-transcript-meta", dialog).textContent = fmt(T.transcript_meta, { date, channel: data.channel, queue: data.queue, outcome: data.outcome || "—" });
  const log = $(".desk-transcript-log", dialog);
  log.replaceChildren(...data.messages.map((m) => {
    const item = element("li", `msg ${m.sender}`, messageText(m));
    item.dataset.testid = "transcript-message";
    return item;
  }));
  $(".desk-transcript-events", dialog).replaceChildren(...data.events.map((e) => {
    const when = new Date(e.at).toLocaleTimeString();
    const item = element("li", "", e.detail ? `${when} ${e.label} (${e.detail})` : `${when} ${e.label}`);
    item.dataset.testid = "transcript-event";
    return item;
  }));
  dialog.showModal();
}
for (const closer of document.querySelectorAll("#desk-transcript [data-close]")) {
  closer.addEventListener("click", () => $("#desk-transcript").close());
}

function showHelp(message) {
  const log = $("#desk-help-log");
  if (log.querySelector(`[data-id="${message.id}"]`)) return;
  const item = element("li", message.from_agent ? "msg agent" : "msg supervisor", `${message.author}: ${message.body}`);
  item.dataset.id = message.id;
  log.append(item);
  if (!message.from_agent) $("#desk-help").hidden = false;
}

function showBroadcast(frame) {
  const list = $("#desk-broadcasts");
  if (list.querySelector(`[data-broadcast="${frame.broadcast_id}"]`)) return;
  const item = element("li", "list-group-item desk-broadcast");
  item.dataset.broadcast = frame.broadcast_id;
  item.dataset.testid = "broadcast";
  item.append(element("p", "mb-1", fmt(T.broadcast, { sender: frame.sender, message: frame.message })));
  item.append(element("small", "d-block", new Date(frame.sent_at).toLocaleString()));
  const read = element("button", "btn btn-sm mt-1", T.mark_read);
  read.type = "button";
  read.dataset.testid = "broadcast-read";
  read.addEventListener("click", async () => {
    const url = root.dataset.broadcastRead.replace(/\/0\/read$/, `/${frame.broadcast_id}/read`);
    const response = await fetch(url, { method: "POST", headers: { "X-CSRFToken": csrfToken() } });
    if (!response.ok) return showError((await response.json()).message);
    item.remove();
    showBroadcastsEmpty();
  });
  item.append(read);
  list.append(item);
  showBroadcastsEmpty();
}

function showBroadcastsEmpty() {
  $("#desk-broadcasts-none").hidden = $("#desk-broadcasts").children.length > 0;
}

// -- the state bar: timer, figures and queues (read every 30 s), today's schedule ---------------

function twoDigits(n) {
  return String(n).padStart(2, "0");
}
function tickTimer() {
  const seconds = Math.max(0, Math.floor((Date.now() - desk.since) / 1000));
  const hours = Math.floor(seconds / 3600);
  const clock = `${twoDigits(Math.floor((seconds % 3600) / 60))}:${twoDigits(seconds % 60)}`;
  tickText($("#desk-timer"), hours ? `${hours}:${clock}` : clock);
}
everySecond(tickTimer);

async function readSummary() {
  try {
    const response = await fetch(root.dataset.summary, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const figures = await response.json();
    $("#desk-handled").textContent = String(figures.handled);
    const average = figures.average_handle_seconds;
    $("#desk-aht").textContent = average === null ? "—" : fmt(T.minutes_seconds, { minutes: Math.floor(average / 60), seconds: Math.round(average % 60) });
    $("#desk-queues").replaceChildren(...figures.queues.map((q) => {
      const item = element("li", "list-inline-item");
      const badge = element("span", `badge ${q.waiting ? "desk-waiting" : "desk-idle"}`, fmt(T.waiting, { queue: q.label, count: q.waiting }));
      badge.dataset.queue = q.code;
      item.append(badge);
      return item;
    }));
  } catch (error) {
    // the next read will try again
  }
}
readSummary();
setInterval(readSummary, 30_000);

async function readSchedule() {
  const list = $("#desk-schedule");
  try {
    const response = await fetch(root.dataset.schedule, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const shifts = await response.json();
    const rows = [];
    for (const shift of shifts) {
      const zone = shift.time_zone;
      const day = (moment) => new Intl.DateTimeFormat("en-CA", { timeZone: zone, year: "numeric", month: "2-digit", day: "2-digit" }).format(new Date(moment));
      if (day(shift.start) !== day(Date.now())) continue;
      const time = (moment) => new Intl.DateTimeFormat(document.documentElement.lang || undefined, { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" }).format(new Date(moment));
      rows.push([shift.start, T.activities.shift, `${time(shift.start)} – ${time(shift.end)}`]);
      for (const pause of shift.breaks || []) {
        rows.push([pause.start, T.activities[pause.name] || pause.name, `${time(pause.start)} – ${time(pause.end)}`]);
      }
    }
    rows.sort((a, b) => Date.parse(a[0]) - Date.parse(b[0]));
    list.replaceChildren(...rows.map(([, name, span]) => {
      const item = element("li", "list-group-item d-flex justify-content-between");
      item.dataset.testid = "schedule-item";
      item.append(element("span", "", name), element("span", "", span));
      return item;
    }));
    $("#desk-schedule-none").hidden = rows.length > 0;
  } catch (error) {
    // no schedule shown
  }
}
readSchedule();

$("#desk-state").addEventListener("change", (event) => {
  const [state, reason] = event.target.value.split(":");
  send({ type: "presence", state, reason: reason || "" });
});
$("#desk-help-open").addEventListener("click", () => {
  $("#desk-help").hidden = !$("#desk-help").hidden;
});
$("#desk-help-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const body = event.target.body.value.trim();
  if (!body) return;
  const clientId = crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}`;
  send({ type: "help", body, client_id: clientId }, { reliable: true });
  event.target.body.value = "";
});

// the tabs' keyboard (ARIA tabs): left and right arrows move between conversations
$("#desk-tabs").addEventListener("keydown", (event) => {
  if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
  const ids = [...desk.chats.keys()];
  const at = ids.indexOf(desk.selected);
  if (at < 0) return;
  const next = ids[(at + (event.key === "ArrowRight" ? 1 : ids.length - 1)) % ids.length];
  select(next);
  desk.chats.get(next).tab.focus();
  event.preventDefault();
});
$("#desk-sound").addEventListener("click", () => {
  localStorage.setItem(SOUND_KEY, soundOn() ? "off" : "on");
  showSound();
  unlockAudio();
});
$("#desk-notify").addEventListener("click", async () => {
  unlockAudio();
  if ("Notification" in window && Notification.permission === "default") await Notification.requestPermission();
  showNotify();
});
document.addEventListener("pointerdown", unlockAudio);
document.addEventListener("keydown", unlockAudio);
showSound();
showNotify();
showBroadcastsEmpty();

connect();
