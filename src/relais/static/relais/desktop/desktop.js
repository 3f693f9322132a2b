// The agent desktop: one WebSocket, numbered events, resume from the last number seen.
// Protocol: docs/events-protocol.md. Everything from the network is shown with textContent.

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
};
window.relaisDesk = desk; // for the browser tests (cut the connection)

function fmt(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, key) => values[key] ?? "");
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

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
    if (frame.ref) desk.outbox.delete(frame.ref);
    showError(frame.message);
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
  for (const id of [...desk.chats.keys()]) closeChat(id);
  for (const id of [...desk.offers.keys()]) endOffer(id);
  showPresence(state.presence, state.break_reason);
  state.offers.forEach(showOffer);
  state.chats.forEach(openChat);
  $("#desk-help-log").replaceChildren();
  state.help.forEach(showHelp);
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
  "presence.changed": (frame) => showPresence(frame.state, frame.break_reason),
  "help.message": (frame) => showHelp(frame.message),
  "supervision.broadcast": showBroadcast,
};

function showPresence(state, reason) {
  $("#desk-presence").textContent = T.states[state] || state;
  $("#desk-state").value = state === "break" ? `break:${reason}` : state === "offline" || state === "disconnected" ? "offline" : "available";
}

function showOffer(offer) {
  if (desk.offers.has(offer.contact_id) || desk.chats.has(offer.contact_id)) return;
  const box = element("div", "desk-offer");
  box.dataset.testid = "offer";
  box.append(element("strong", "", fmt(T.offer, { queue: offer.queue_label })));
  box.append(element("p", "", `${offer.customer_name} · ${offer.topic}`));
  box.append(element("blockquote", "", offer.preview));
  const countdown = element("span", "desk-countdown");
  const accept = element("button", "primary", T.accept);
  accept.dataset.testid = "accept";
  accept.addEventListener("click", () => send({ type: "accept", contact_id: offer.contact_id }));
  const reject = element("button", "", T.reject);
  reject.addEventListener("click", () => send({ type: "reject", contact_id: offer.contact_id }));
  box.append(countdown, accept, reject);
  $("#desk-offers").append(box);
  const ends = offer.expires_at ? Date.parse(offer.expires_at) : null;
  const tick = () => {
    if (ends === null) return;
    const left = Math.max(0, Math.round((ends - Date.now()) / 1000));
    countdown.textContent = fmt(T.seconds_left, { seconds: left });
  };
  tick();
  desk.offers.set(offer.contact_id, { el: box, timer: setInterval(tick, 1000) });
}

function endOffer(contactId) {
  const offer = desk.offers.get(contactId);
  if (!offer) return;
  clearInterval(offer.timer);
  offer.el.remove();
  desk.offers.delete(contactId);
}

function openChat(chat) {
  if (desk.chats.has(chat.contact_id)) return;
  const el = $("#desk-chat-template").content.firstElementChild.cloneNode(true);
  el.dataset.contact = chat.contact_id;
  const tab = element("button", "desk-tab", chat.customer_name);
  tab.setAttribute("role", "tab");
  tab.dataset.testid = "tab";
  tab.addEventListener("click", () => select(chat.contact_id));
  $("#desk-tabs").append(tab);
  $("#desk-chats").append(el);
  const entry = { el, tab, seen: new Set(), typingTimer: null };
  desk.chats.set(chat.contact_id, entry);
  chat.messages.forEach((message) => addMessage(chat.contact_id, message));
  (chat.notes || []).forEach((note) => addNote(chat.contact_id, note));
  if (chat.state !== "accepted") completed(chat.contact_id);
  wire(chat.contact_id, entry);
  // a left message or a callback: read, act, complete and wrap up; nothing to write back here
  if (chat.channel && chat.channel !== "chat") $(".desk-send", el).hidden = true;
  select(chat.contact_id);
  send({ type: "panel", contact_id: chat.contact_id });
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
  $(".desk-canned", el).addEventListener("change", (event) => {
    if (event.target.value) input.value = event.target.value;
    event.target.value = "";
    input.focus();
  });
  $(".desk-complete", el).addEventListener("click", () => send({ type: "complete", contact_id: contactId }, { reliable: true }));
  $(".desk-transfer", el).addEventListener("change", (event) => {
    const [kind, target] = event.target.value.split(":");
    if (!target) return;
    const frame = { type: "transfer", contact_id: contactId };
    if (kind === "queue") frame.queue = target;
    else frame.agent_id = Number(target);
    send(frame, { reliable: true });
    event.target.value = "";
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
  for (const [id, entry] of desk.chats) {
    const active = id === contactId;
    entry.el.hidden = !active;
    entry.tab.setAttribute("aria-selected", String(active));
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
  if (message.sender === "customer") $(".desk-typing", entry.el).hidden = true;
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
}

function closeChat(contactId) {
  const entry = desk.chats.get(contactId);
  if (!entry) return;
  entry.el.remove();
  entry.tab.remove();
  desk.chats.delete(contactId);
  const next = desk.chats.keys().next();
  if (!next.done) select(next.value);
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
  const previous = $(".desk-previous", entry.el);
  previous.replaceChildren(...panel.previous.map((p) => element("li", "", `${new Date(p.created).toLocaleDateString()} · ${p.channel} · ${p.queue} · ${p.outcome || p.state}`)));
  if (!panel.previous.length) previous.append(element("li", "", T.none));
  const canned = $(".desk-canned", entry.el);
  for (const response of panel.canned) {
    const option = element("option", "", response.title);
    option.value = response.body;
    canned.append(option);
  }
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
  let list = $("#desk-broadcasts");
  if (!list) {
    list = element("ol", "desk-broadcasts");
    list.id = "desk-broadcasts";
    list.setAttribute("aria-live", "polite");
    $("#desk-offers").before(list);
  }
  if (list.querySelector(`[data-broadcast="${frame.broadcast_id}"]`)) return;
  const item = element("li", "desk-broadcast", fmt(T.broadcast, { sender: frame.sender, message: frame.message }));
  item.dataset.broadcast = frame.broadcast_id;
  item.dataset.testid = "broadcast";
  list.append(item);
}

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

connect();
