// The agent view of supervision: instant messages with the agent, live chats joined silently
// or visibly. Protocol: docs/events-protocol.md ("Coaching"). Network text goes in textContent.

const root = document.getElementById("coach");
const T = JSON.parse(document.getElementById("coach-strings").textContent);
const $ = (selector) => document.querySelector(selector);
const agentId = Number(root.dataset.agent);
const coach = { socket: null, retry: 500, refs: 0, outbox: new Map(), chat: null, ended: null };

function fmt(template, values) {
  return template.replace(/%\((\w+)\)s/g, (_, key) => values[key] ?? "");
}

function line(log, id, className, text) {
  if (id !== null && log.querySelector(`[data-id="${id}"]`)) return;
  const item = document.createElement("li");
  item.className = className;
  item.textContent = text;
  if (id !== null) item.dataset.id = id;
  log.append(item);
  log.scrollTop = log.scrollHeight;
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}${root.dataset.socket}`);
  coach.socket = socket;
  socket.addEventListener("open", () => {
    coach.retry = 500;
    $("#coach-link").textContent = T.online;
    root.dataset.online = "1";
    socket.send(JSON.stringify({ type: "thread", agent_id: agentId }));
    for (const [ref, frame] of coach.outbox) socket.send(JSON.stringify({ ...frame, ref }));
  });
  socket.addEventListener("message", (message) => receive(JSON.parse(message.data)));
  socket.addEventListener("close", (event) => {
    root.dataset.online = "0";
    if (coach.ended || event.code === 4401) {
      // the session ended (signed out, deactivated…): say so, never reconnect
      root.dataset.ended = "1";
      $("#coach-error").textContent = coach.ended || "";
      return;
    }
    $("#coach-link").textContent = T.reconnecting;
    setTimeout(connect, coach.retry);
    coach.retry = Math.min(coach.retry * 2, 4000);
  });
}

function send(frame, { reliable = false } = {}) {
  const ref = `r${++coach.refs}`;
  if (reliable) coach.outbox.set(ref, frame);
  if (coach.socket && coach.socket.readyState === WebSocket.OPEN) {
    coach.socket.send(JSON.stringify({ ...frame, ref }));
  }
}

function showIm(message) {
  line($("#coach-im-log"), message.id, message.from_agent ? "msg agent" : "msg supervisor", `${message.author}: ${message.body}`);
}

function chatText(message) {
  if (message.event) return fmt(T.events[message.event] || message.event, { name: message.author });
  if (message.sender === "supervisor") return fmt(T.supervisor_says, { name: message.author, body: message.body });
  return `${T.senders[message.sender] || message.sender}: ${message.body}`;
}

function showChatMessage(message) {
  line($("#coach-chat-log"), message.id, `msg ${message.sender}`, chatText(message));
}

const handlers = {
  "coaching.thread": (frame) => {
    $("#coach-im-log").replaceChildren();
    frame.messages.forEach(showIm);
  },
  "coaching.im": (frame) => showIm(frame.message),
  "coaching.chat": (frame) => {
    coach.chat = frame.contact_id;
    $("#coach-chat-log").replaceChildren();
    $("#coach-chat-mode").textContent = frame.mode === "visible" ? T.joined_visible : T.joined_silent;
    $("#coach-say-form").hidden = frame.mode !== "visible";
    frame.messages.forEach(showChatMessage);
  },
  "coaching.chat_message": (frame) => {
    if (frame.contact_id === coach.chat) showChatMessage(frame.message);
  },
  "coaching.chat_left": (frame) => {
    if (frame.contact_id !== coach.chat) return;
    coach.chat = null;
    $("#coach-chat-mode").textContent = T.chat_left;
    $("#coach-say-form").hidden = true;
  },
};

function receive(frame) {
  if (frame.type === "ack") {
    coach.outbox.delete(frame.ref);
    return;
  }
  if (frame.type === "session.ended") {
    coach.ended = frame.message;
    return;
  }
  if (frame.type === "error") {
    if (frame.ref) coach.outbox.delete(frame.ref);
    $("#coach-error").textContent = frame.message;
    return;
  }
  $("#coach-error").textContent = "";
  const handler = handlers[frame.type];
  if (handler) handler(frame);
}

const clientId = () => (crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`);

$("#coach-im-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const form = event.target;
  const body = form.body.value.trim();
  if (!body) return;
  send({ type: "im", agent_id: agentId, client_id: clientId(), body, reason: form.reason.value.trim() }, { reliable: true });
  form.body.value = "";
});

for (const button of document.querySelectorAll("[data-join]")) {
  button.addEventListener("click", () => {
    const reason = $("#coach-join-reason").value.trim();
    send({ type: "join", contact_id: Number(button.dataset.join), mode: button.dataset.mode, reason });
  });
}

$("#coach-say-form").addEventListener("submit", (event) => {
  event.preventDefault();
  const body = event.target.body.value.trim();
  if (!body || coach.chat === null) return;
  send({ type: "say", contact_id: coach.chat, client_id: clientId(), body }, { reliable: true });
  event.target.body.value = "";
});

connect();
