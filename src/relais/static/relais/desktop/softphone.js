// The agent's softphone (docs/desktop.md, "Softphone"): SIP.js registers the agent's line on
// Kamailio's WebSocket; a call the voice service places to the agent carries
// `X-Relais-Contact: <contact id>` and rings in that contact's offer card. Answering or
// declining answers the SIP call (the voice service turns it into the offer's accept or
// reject): for a voice offer the card never sends the desktop's accept. In a call: mute, hold
// (re-INVITE sendonly: the caller hears music), keypad (RFC 4733), transfer (the desktop's own
// transfer form), consult a colleague or a queue of that form (the caller hears music; then
// Complete transfer or Back to caller; the steps come as `call.consult` events), hang up, and the
// call's timer. A colleague's consultation rings with `X-Relais-Consult` in its own box
// (#softphone-consult); handed over, it becomes the contact's call. SIP.js is loaded only when
// the line is on.

import { fmt } from "./dom.js";
import { everySecond, tickText } from "../ticking.js";

const root = document.getElementById("desk");
const S = JSON.parse(document.getElementById("softphone-strings").textContent);
const $ = (selector, scope = document) => scope.querySelector(selector);
const SIPJS = "../../vendor/sipjs/lib/api/index.js";
const SOUND_KEY = "relais.desk.sound"; // the desktop's sound switch
const SHORTCUTS = { m: "mute", h: "hold", k: "keypad", e: "hangup" }; // with Alt+Shift
const KEYS = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "*", "0", "#"];

const phone = {
  sip: null, // the SIP.js module
  ua: null,
  registerer: null,
  config: null,
  line: "off", // off | desk_phone | connecting | registered | failed
  retry: 1000, // the next reconnection's delay (ms), doubled up to 30 s
  reconnectTimer: null,
  refreshTimer: null,
  calls: new Map(), // contact id -> {invitation, state, muted, held, started}
  cards: new Map(), // contact id -> the voice offer's card element
  tabs: new Map(), // contact id -> the voice contact's workspace element
};
window.relaisSoftphone = phone; // for the browser tests (getStats, the line's state, register)

function showError(message) {
  $("#desk-error").textContent = message || "";
}

// -- the line: registration indicator, credentials, reconnection -------------------------------

function showLine(state) {
  phone.line = state;
  const line = $("#softphone-line");
  line.dataset.line = state;
  $(".softphone-line-text", line).textContent = S[state];
  $("i", line).className = state === "registered" ? "ti ti-phone" : state === "connecting" ? "ti ti-phone-call" : "ti ti-phone-off";
}

async function readConfig() {
  const response = await fetch(root.dataset.softphone, { headers: { Accept: "application/json" }, cache: "no-store" });
  if (!response.ok || !(response.headers.get("Content-Type") || "").includes("json")) throw new Error(String(response.status));
  return response.json();
}

function scheduleRefresh() {
  clearTimeout(phone.refreshTimer);
  phone.refreshTimer = setTimeout(refreshCredentials, phone.config.refresh_in_s * 1000);
}

// New credentials before the old ones expire: the next REGISTER (and its digest) uses them.
async function refreshCredentials() {
  try {
    const config = await readConfig();
    if (!config.enabled) return;
    phone.config = config;
    useCredentials(config.username, config.password);
    scheduleRefresh();
    if (phone.ua.isConnected()) register();
  } catch (error) {
    phone.refreshTimer = setTimeout(refreshCredentials, 60_000); // the session may be over
  }
}

// The next REGISTER is challenged and answered with these. SIP.js keeps the last Authorization
// header on its REGISTER and sends it again while Kamailio still takes its nonce: dropped here.
function useCredentials(username, password) {
  phone.ua.configuration.authorizationUsername = username;
  phone.ua.configuration.authorizationPassword = password;
  delete phone.registerer.request.headers.Authorization;
}
phone.useCredentials = useCredentials;

function register() {
  return phone.registerer.register({
    requestDelegate: {
      onAccept: () => {
        phone.retry = 1000;
        showLine("registered"); // a new REGISTER while registered changes no state
      },
      onReject: (response) => {
        const status = response.message.statusCode;
        const refused = status === 401 || status === 403;
        showLine(refused ? "failed" : "connecting");
        // refused credentials: ask for new ones, then try again later
        if (refused) clearTimeout(phone.refreshTimer);
        retryLater(refused ? refreshCredentials : register);
      },
    },
  }).catch(() => retryLater());
}
phone.register = register;

// One pending retry at a time, with a backoff from 1 s doubling to 30 s (and some jitter);
// while the WebSocket is down, the retry reconnects it (onConnect then registers).
function retryLater(action = register) {
  clearTimeout(phone.reconnectTimer);
  const delay = phone.retry * (0.8 + Math.random() * 0.4);
  phone.retry = Math.min(phone.retry * 2, 30_000);
  phone.reconnectTimer = setTimeout(() => (phone.ua.isConnected() ? action() : reconnect()), delay);
}

async function reconnect() {
  if (phone.line !== "failed") showLine("connecting");
  try {
    await phone.ua.reconnect();
  } catch (error) {
    retryLater();
  }
}

async function start() {
  if (root.dataset.softphoneOn !== "1") return showLine("off");
  try {
    phone.config = await readConfig();
  } catch (error) {
    return showLine("off");
  }
  if (!phone.config.enabled) return showLine(phone.config.off_because === "desk_phone" ? "desk_phone" : "off");
  showLine("connecting");
  phone.sip = await import(SIPJS);
  const { UserAgent, Registerer, RegistererState } = phone.sip;
  const config = phone.config;
  phone.ua = new UserAgent({
    uri: UserAgent.makeURI(config.aor),
    displayName: config.display_name,
    authorizationUsername: config.username,
    authorizationPassword: config.password,
    transportOptions: { server: config.ws_url, connectionTimeout: 5, keepAliveInterval: 25 },
    sessionDescriptionHandlerFactoryOptions: {
      peerConnectionConfiguration: { iceServers: config.ice_servers },
      iceGatheringTimeout: config.ice_servers.length ? 2000 : 500,
    },
    userAgentString: "Relais softphone (SIP.js 0.21.2)",
    logLevel: "warn",
    delegate: {
      onConnect: () => {
        phone.retry = 1000;
        register();
      },
      onDisconnect: (error) => {
        if (!error) return; // we stopped it
        showLine("connecting");
        retryLater();
      },
      onInvite: ring,
    },
  });
  phone.registerer = new Registerer(phone.ua, { expires: 300 });
  phone.registerer.stateChange.addListener((state) => {
    if (state === RegistererState.Registered) {
      phone.retry = 1000;
      showLine("registered");
    } else if (state === RegistererState.Unregistered && phone.line === "registered") {
      showLine("connecting"); // e.g. SIP.js's own refresh was refused: register again
      retryLater();
    }
  });
  scheduleRefresh();
  window.addEventListener("pagehide", () => phone.ua.stop());
  try {
    await phone.ua.start();
  } catch (error) {
    retryLater();
  }
}

// -- ringing: an INVITE for a voice offer ------------------------------------------------------

function ring(invitation) {
  const contactId = Number(invitation.request.getHeader("X-Relais-Contact"));
  if (!Number.isInteger(contactId) || contactId <= 0) {
    invitation.reject({ statusCode: 403, reasonPhrase: "Not a Relais call" });
    return;
  }
  const call = { invitation, state: "ringing", muted: false, held: false, started: null, timer: null, consult: null };
  call.consulted = Boolean(invitation.request.getHeader("X-Relais-Consult"));
  phone.calls.set(contactId, call);
  invitation.stateChange.addListener((state) => callState(contactId, state));
  showCard(contactId);
  showConsulted(contactId);
  ringTone();
}

// -- a colleague consults this agent: their call rings in #softphone-consult --------------------

function showConsulted(contactId) {
  const call = phone.calls.get(contactId);
  const box = $("#softphone-consult");
  if (!call || !call.consulted) return;
  const open = call.state === "ringing" || (call.state === "established" && !phone.tabs.has(contactId));
  box.hidden = !open;
  box.dataset.contact = String(contactId);
  $(".softphone-consult-text", box).textContent = call.state === "ringing" ? S.incoming_consult : S.in_call;
  $("[data-consult=answer]", box).hidden = call.state !== "ringing";
  $("[data-consult=decline]", box).hidden = call.state !== "ringing";
  $("[data-consult=hangup]", box).hidden = call.state !== "established";
}
for (const button of document.querySelectorAll("#softphone-consult [data-consult]")) {
  button.addEventListener("click", () => {
    const contactId = Number($("#softphone-consult").dataset.contact);
    const action = { answer, decline, hangup: hangUp }[button.dataset.consult];
    action(contactId);
    showConsulted(contactId);
  });
}

function callState(contactId, state) {
  const { SessionState } = phone.sip;
  const call = phone.calls.get(contactId);
  if (!call) return;
  if (state === SessionState.Established) {
    call.state = "established";
    call.started = Date.now();
    playRemote(call.invitation);
  } else if (state === SessionState.Terminated) {
    call.state = "ended";
    stopTimer(call);
    const audio = $("#softphone-audio");
    if (audio.srcObject) audio.srcObject = null;
    if (!phone.cards.has(contactId) && !phone.tabs.has(contactId)) phone.calls.delete(contactId);
  }
  ringTone();
  showCard(contactId);
  showConsulted(contactId);
  showControls(contactId);
}

function playRemote(session) {
  const audio = $("#softphone-audio");
  const stream = session.sessionDescriptionHandler.remoteMediaStream;
  audio.srcObject = stream;
  audio.play().catch(() => {}); // the Answer click is the gesture that allows it
  stream.onaddtrack = () => audio.play().catch(() => {});
}

// The voice offer's card (desktop.js made it): its Accept and Reject become Answer and Decline
// of the SIP call; Answer waits for the call to reach the browser.
function showCard(contactId) {
  const card = phone.cards.get(contactId);
  if (!card) return;
  const call = phone.calls.get(contactId);
  const ringing = call && call.state === "ringing";
  const answer = $("[data-testid=accept]", card);
  answer.textContent = S.answer;
  answer.disabled = !ringing;
  $("[data-testid=reject]", card).textContent = S.decline;
  let status = $(".softphone-ring", card);
  if (!status) {
    status = document.createElement("p");
    status.className = "softphone-ring mb-1";
    status.setAttribute("role", "status");
    status.dataset.testid = "call-ringing";
    $(".card-body", card).insertBefore(status, answer.parentElement);
  }
  status.textContent = ringing ? S.ringing : call && call.state === "ended" ? S.call_ended : S.waiting_line;
  card.classList.toggle("softphone-ringing", Boolean(ringing));
}

async function answer(contactId) {
  const call = phone.calls.get(contactId);
  if (!call || call.state !== "ringing") return;
  call.state = "answering";
  ringTone();
  try {
    await call.invitation.accept({ sessionDescriptionHandlerOptions: { constraints: { audio: true, video: false } } });
  } catch (error) {
    showError(fmt(S.call_failed, { reason: error.name === "NotAllowedError" ? S.no_microphone : error.message }));
  }
}

function decline(contactId) {
  const call = phone.calls.get(contactId);
  if (!call || call.state !== "ringing") return false;
  call.state = "ended";
  ringTone();
  call.invitation.reject({ statusCode: 603 }).catch(() => {});
  return true;
}

// -- the ring tone: 440 Hz, 1.5 s on, 3.5 s off, while a call rings (no audio file) ------------

let audioContext = null;
let ringTimer = null;
function unlockAudio() {
  const Context = window.AudioContext || window.webkitAudioContext;
  if (!Context) return;
  if (!audioContext) audioContext = new Context();
  if (audioContext.state === "suspended") audioContext.resume();
}
function ringOnce() {
  if (localStorage.getItem(SOUND_KEY) === "off" || !audioContext || audioContext.state !== "running") return;
  const now = audioContext.currentTime;
  const oscillator = audioContext.createOscillator();
  const gain = audioContext.createGain();
  oscillator.frequency.value = 440;
  gain.gain.setValueAtTime(0.0001, now);
  gain.gain.exponentialRampToValueAtTime(0.2, now + 0.03);
  gain.gain.setValueAtTime(0.2, now + 1.45);
  gain.gain.exponentialRampToValueAtTime(0.0001, now + 1.5);
  oscillator.connect(gain).connect(audioContext.destination);
  oscillator.start(now);
  oscillator.stop(now + 1.55);
}
function ringTone() {
  // a call rings aloud once its offer's card is on screen (where it is answered)
  const ringing = [...phone.calls].some(([contactId, call]) => call.state === "ringing" && phone.cards.has(contactId));
  if (ringing && ringTimer === null) {
    ringOnce();
    ringTimer = setInterval(ringOnce, 5000);
  } else if (!ringing && ringTimer !== null) {
    clearInterval(ringTimer);
    ringTimer = null;
  }
}
document.addEventListener("pointerdown", unlockAudio);
document.addEventListener("keydown", unlockAudio);

// -- in call: the controls of the voice contact's tab ------------------------------------------

function showControls(contactId) {
  const el = phone.tabs.get(contactId);
  if (!el) return;
  const call = phone.calls.get(contactId);
  const live = Boolean(call && call.state === "established");
  const box = $(".desk-call-controls", el);
  for (const button of box.querySelectorAll("button")) button.disabled = !live;
  const mute = $("[data-call=mute]", box);
  mute.setAttribute("aria-pressed", String(Boolean(live && call.muted)));
  $("span", mute).textContent = live && call.muted ? S.unmute : S.mute;
  const hold = $("[data-call=hold]", box);
  hold.setAttribute("aria-pressed", String(Boolean(live && call.held)));
  $("span", hold).textContent = live && call.held ? S.resume : S.hold;
  $("[data-call=transfer]", box).disabled = !live; // the record's transfer rings the colleague
  const consult = live ? call.consult : null; // {step, colleague} while consulting
  $("[data-call=consult]", box).hidden = Boolean(consult);
  $("[data-call=consult_back]", box).hidden = !consult;
  $("[data-call=consult_complete]", box).hidden = !consult;
  $("[data-call=consult_complete]", box).disabled = !consult || consult.step !== "answered";
  $("[data-call=transfer]", box).disabled = !live || Boolean(consult);
  const state = $(".softphone-call-state", box);
  const consulting = consult && fmt(consult.step === "answered" ? S.consult_talking : S.consult_ringing, { colleague: consult.colleague });
  state.textContent = !call ? "" : call.state === "ended" ? S.call_ended : consulting || (live ? (call.held ? S.on_hold : S.in_call) : S.ringing);
  if (!live) $(".softphone-keypad", box).hidden = true;
  $("[data-call=keypad]", box).setAttribute("aria-expanded", String(!$(".softphone-keypad", box).hidden));
  stopTimer(call);
  if (live) {
    const tick = () => tickText($(".softphone-timer", box), clock(Date.now() - call.started));
    tick();
    call.timer = everySecond(tick); // the function that stops it (stopTimer)
  }
}

function stopTimer(call) {
  if (call && call.timer) call.timer();
  if (call) call.timer = null;
}

function clock(ms) {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const two = (n) => String(n).padStart(2, "0");
  const mmss = `${two(Math.floor((seconds % 3600) / 60))}:${two(seconds % 60)}`;
  return seconds >= 3600 ? `${Math.floor(seconds / 3600)}:${mmss}` : mmss;
}

function mute(contactId) {
  const call = phone.calls.get(contactId);
  if (!call || call.state !== "established") return;
  call.muted = !call.muted;
  call.invitation.sessionDescriptionHandler.enableSenderTracks(!call.muted && !call.held);
  showControls(contactId);
}

function hold(contactId) {
  const call = phone.calls.get(contactId);
  if (!call || call.state !== "established") return;
  const held = !call.held;
  const session = call.invitation;
  session.sessionDescriptionHandlerOptionsReInvite = { hold: held };
  session
    .invite({
      requestDelegate: {
        onAccept: () => {
          call.held = held;
          session.sessionDescriptionHandler.enableReceiverTracks(!held);
          session.sessionDescriptionHandler.enableSenderTracks(!held && !call.muted);
          showControls(contactId);
        },
        onReject: () => showError(fmt(S.call_failed, { reason: held ? S.hold : S.resume })),
      },
      sessionDescriptionHandlerOptions: { hold: held },
    })
    .catch((error) => showError(fmt(S.call_failed, { reason: error.message })));
}

function keypad(contactId) {
  const el = phone.tabs.get(contactId);
  const call = phone.calls.get(contactId);
  if (!el || !call || call.state !== "established") return;
  const pad = $(".softphone-keypad", el);
  pad.hidden = !pad.hidden;
  $("[data-call=keypad]", el).setAttribute("aria-expanded", String(!pad.hidden));
  if (!pad.hidden) $("button", pad).focus();
}

function dtmf(contactId, key) {
  const call = phone.calls.get(contactId);
  if (!call || call.state !== "established") return;
  call.invitation.sessionDescriptionHandler.sendDtmf(key, { duration: 160, interToneGap: 70 });
}

function hangUp(contactId) {
  const call = phone.calls.get(contactId);
  if (!call || call.state !== "established") return;
  call.invitation.bye().catch(() => {});
}

function transfer(contactId) {
  const el = phone.tabs.get(contactId);
  if (el) $(".desk-transfer", el).focus(); // the desktop's transfer form: a queue or a colleague
}

// Consult: the colleague or the queue chosen in the transfer form (a queue: the routing engine
// picks a free agent of it); the record answers with `call.consult`, or refuses (`desk:refused`).
function consult(contactId) {
  const el = phone.tabs.get(contactId);
  const call = phone.calls.get(contactId);
  if (!el || !call || call.state !== "established") return;
  const select = $(".desk-transfer", el);
  const [kind, target] = select.value.split(":");
  if ((kind !== "agent" && kind !== "queue") || !target) {
    showError(S.consult_needed);
    select.focus();
    return;
  }
  const label = select.selectedOptions[0].textContent.trim();
  call.consult = { step: "asked", colleague: kind === "queue" ? fmt(S.consult_queue, { queue: label }) : label };
  select.value = "";
  showControls(contactId);
  const to = kind === "queue" ? { queue: target } : { agent_id: Number(target) };
  tellDesk({ type: "consult", contact_id: contactId, ...to });
}
const consultBack = (contactId) => tellDesk({ type: "consult_back", contact_id: contactId });
const consultComplete = (contactId) => tellDesk({ type: "consult_complete", contact_id: contactId });
function tellDesk(frame) {
  root.dispatchEvent(new CustomEvent("desk:send", { detail: { frame } }));
}

const ACTIONS = { mute, hold, keypad, hangup: hangUp, transfer, consult, consult_back: consultBack, consult_complete: consultComplete };

function wireControls(contactId, el) {
  const box = $(".desk-call-controls", el);
  const pad = $(".softphone-keypad", box);
  pad.id = `softphone-keypad-${contactId}`;
  $("[data-call=keypad]", box).setAttribute("aria-controls", pad.id);
  for (const button of box.querySelectorAll("[data-call]")) {
    button.addEventListener("click", () => ACTIONS[button.dataset.call](contactId));
  }
  for (const button of pad.querySelectorAll("[data-key]")) {
    button.addEventListener("click", () => dtmf(contactId, button.dataset.key));
  }
  pad.addEventListener("keydown", (event) => {
    if (!KEYS.includes(event.key) || event.ctrlKey || event.altKey || event.metaKey) return;
    event.preventDefault();
    dtmf(contactId, event.key);
  });
  const end = $(".desk-complete", el); // a call ends with Hang up, not "End chat"
  if (end) end.hidden = true;
}

// Alt+Shift+M mute, H hold, K keypad, E hang up: the selected voice tab, else the only call.
function callForKeys() {
  for (const [contactId, el] of phone.tabs) if (!el.hidden) return contactId;
  const live = [...phone.calls].filter(([, call]) => call.state === "established");
  return live.length === 1 ? live[0][0] : null;
}
document.addEventListener("keydown", (event) => {
  if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) return;
  const letter = event.code && event.code.startsWith("Key") ? event.code.slice(3).toLowerCase() : event.key.toLowerCase();
  const action = SHORTCUTS[letter];
  const contactId = action ? callForKeys() : null;
  if (contactId === null) return;
  event.preventDefault();
  ACTIONS[action](contactId);
});

// -- what desktop.js tells: offers, answers, workspace tabs ------------------------------------

root.addEventListener("desk:offer", (event) => {
  const { offer, card } = event.detail;
  if (offer.channel !== "voice") return;
  card.classList.add("softphone-offer");
  const title = $("strong", card);
  if (title) title.textContent = fmt(S.call_offer, { queue: offer.queue_label });
  card.setAttribute("aria-label", fmt(S.call_offer, { queue: offer.queue_label }));
  phone.cards.set(offer.contact_id, card);
  showCard(offer.contact_id);
  ringTone();
});
root.addEventListener("desk:offer-ended", (event) => {
  const contactId = event.detail.contactId;
  phone.cards.delete(contactId);
  ringTone();
  const call = phone.calls.get(contactId);
  if (call && call.state === "ended" && !phone.tabs.has(contactId)) phone.calls.delete(contactId);
});
// Answer and Decline of a voice offer go over SIP; never the desktop's accept.
root.addEventListener("desk:answer", (event) => {
  const { contactId, answer: choice } = event.detail;
  if (!phone.cards.has(contactId)) return; // not a voice offer
  if (choice === "accept") {
    event.preventDefault();
    answer(contactId);
  } else if (decline(contactId)) {
    event.preventDefault();
  } // no call reached the browser yet: the desktop's reject withdraws the offer
});
// The steps of this agent's consultation (the record's `call.consult` events).
// A colleague picked from a queue reads "Camille (Orders)".
root.addEventListener("desk:consult", (event) => {
  const { contact_id: contactId, step, reason, queue } = event.detail;
  const call = phone.calls.get(contactId);
  if (!call) return;
  const colleague = queue ? fmt(S.consult_of_queue, { colleague: event.detail.colleague, queue }) : event.detail.colleague;
  if (step === "started" || step === "answered") {
    call.consult = { step, colleague: colleague || (call.consult && call.consult.colleague) || "" };
  } else {
    call.consult = null;
    const said = step === "completed" ? S.consult_completed : S[`consult_${reason}`] || S.consult_ended;
    showError(fmt(said, { colleague: colleague || "" }));
  }
  showControls(contactId);
});
// The record refused the consultation (nobody of the queue free, …): the desktop said why.
root.addEventListener("desk:refused", (event) => {
  const { frame } = event.detail;
  const call = frame.type === "consult" ? phone.calls.get(frame.contact_id) : null;
  if (!call || !call.consult || call.consult.step !== "asked") return;
  call.consult = null;
  showControls(frame.contact_id);
});
root.addEventListener("desk:chat", (event) => {
  const { chat, el } = event.detail;
  if (chat.channel !== "voice") return;
  phone.tabs.set(chat.contact_id, el);
  wireControls(chat.contact_id, el);
  showControls(chat.contact_id);
  showConsulted(chat.contact_id); // a consultation handed over: its box gives way to the tab
});
root.addEventListener("desk:chat-closed", (event) => {
  phone.tabs.delete(event.detail.contactId);
  const call = phone.calls.get(event.detail.contactId);
  if (call && call.state === "ended") phone.calls.delete(event.detail.contactId);
});

start();
