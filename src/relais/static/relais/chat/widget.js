// Relais chat widget. A brand puts on its site:
//   <script src="https://relais.example/static/relais/chat/widget.js" data-queue="commandes" data-lang="fr" defer></script>
// A signed-in customer: data-identity="<the token the brand's server signed>" (docs/integrations.md).
// Pre-chat form, queue position, messages both ways, typing, end of chat; outside opening
// hours: leave a message or ask for a callback. Protocol: docs/events-protocol.md.
// Everything from the network is shown with textContent, never as HTML.
(function () {
  "use strict";

  const STRINGS = {
    fr: {
      open: "Discuter avec nous",
      title: "Service client",
      close: "Fermer",
      name: "Votre nom",
      email: "Votre e-mail (facultatif)",
      emailRequired: "Votre e-mail",
      topic: "Sujet",
      language: "Langue",
      question: "Votre question",
      start: "Démarrer la discussion",
      send: "Envoyer",
      placeholder: "Écrivez votre message…",
      end: "Terminer la discussion",
      waiting: "Un conseiller va vous répondre.",
      position: "Vous êtes n° %(position)s dans la file.",
      wait: "Attente estimée : environ %(minutes)s min.",
      typing: "Le conseiller écrit…",
      agent_joined: "%(name)s a rejoint la discussion.",
      supervisor_joined: "%(name)s, responsable, a rejoint la discussion.",
      transferred: "Nous vous mettons en relation avec un autre conseiller.",
      customer_left: "Vous avez quitté la discussion.",
      chat_ended: "La discussion est terminée. Merci !",
      closed: "Nos conseillers ne sont pas disponibles pour le moment.",
      comeBack: "Merci de revenir pendant nos heures d'ouverture.",
      callbackOffered: "L'attente se prolonge : vous pouvez nous laisser un message ou être rappelé.",
      leaveMessage: "Laisser un message",
      message: "Votre message",
      callback: "Être rappelé",
      phone: "Votre numéro de téléphone",
      when: "Quand ?",
      done_message: "Merci, votre message est bien reçu. Nous vous répondrons par e-mail.",
      done_callback: "Merci, nous vous rappellerons à l'heure choisie.",
      reconnecting: "Connexion perdue, reconnexion…",
      error: "Une erreur est survenue.",
      surveyTitle: "Votre avis sur cette discussion",
      q_agent_csat: "Êtes-vous satisfait du conseiller ? (1 = pas du tout, 5 = très)",
      q_company_csat: "Êtes-vous satisfait de la réponse apportée ? (1 = pas du tout, 5 = très)",
      q_nps: "Recommanderiez-vous notre service à un proche ? (0 = pas du tout, 10 = certainement)",
      q_effort: "Était-ce facile d'obtenir une réponse ? (1 = très difficile, 5 = très facile)",
      q_resolved: "Votre demande est-elle résolue ?",
      q_comment: "Un commentaire ? (facultatif)",
      yes: "Oui",
      no: "Non",
      surveySend: "Envoyer mon avis",
      surveyThanks: "Merci pour votre avis !",
      suggestionsTitle: "Ces articles répondent peut-être à votre question :",
      answered: "Cela répond à ma question",
      talkToAgent: "Parler à un conseiller",
      answeredThanks: "Parfait ! N'hésitez pas à revenir si besoin.",
    },
    en: {
      open: "Chat with us",
      title: "Customer service",
      close: "Close",
      name: "Your name",
      email: "Your e-mail (optional)",
      emailRequired: "Your e-mail",
      topic: "Topic",
      language: "Language",
      question: "Your question",
      start: "Start chatting",
      send: "Send",
      placeholder: "Write your message…",
      end: "End the chat",
      waiting: "An adviser will answer you shortly.",
      position: "You are number %(position)s in the queue.",
      wait: "Estimated wait: about %(minutes)s min.",
      typing: "The adviser is typing…",
      agent_joined: "%(name)s joined the chat.",
      supervisor_joined: "%(name)s, supervisor, joined the chat.",
      transferred: "We are putting you through to another adviser.",
      customer_left: "You left the chat.",
      chat_ended: "The chat has ended. Thank you!",
      closed: "Our advisers are not available at the moment.",
      comeBack: "Please come back during our opening hours.",
      callbackOffered: "The wait is getting long: you can leave us a message or ask for a callback.",
      leaveMessage: "Leave a message",
      message: "Your message",
      callback: "Call me back",
      phone: "Your phone number",
      when: "When?",
      done_message: "Thank you, we received your message and will answer by e-mail.",
      done_callback: "Thank you, we will call you back at the chosen time.",
      reconnecting: "Connection lost, reconnecting…",
      error: "Something went wrong.",
      surveyTitle: "Your opinion on this chat",
      q_agent_csat: "How satisfied are you with the adviser? (1 = not at all, 5 = very)",
      q_company_csat: "How satisfied are you with the answer? (1 = not at all, 5 = very)",
      q_nps: "Would you recommend our service to a friend? (0 = not at all, 10 = certainly)",
      q_effort: "How easy was it to get an answer? (1 = very hard, 5 = very easy)",
      q_resolved: "Is your request resolved?",
      q_comment: "Anything to add? (optional)",
      yes: "Yes",
      no: "No",
      surveySend: "Send my opinion",
      surveyThanks: "Thank you for your opinion!",
      suggestionsTitle: "These articles may answer your question:",
      answered: "That answers my question",
      talkToAgent: "Talk to an agent",
      answeredThanks: "Great! Come back any time.",
    },
  };

  const script = document.currentScript;
  const base = new URL(script.src, location.href).origin;
  const queue = script.dataset.queue || "";
  const identity = script.dataset.identity || "";
  let lang = (script.dataset.lang || document.documentElement.lang || "fr").startsWith("en") ? "en" : "fr";
  const t = (key, values) =>
    (STRINGS[lang][key] || key).replace(/%\((\w+)\)s/g, (_, name) => (values && values[name]) ?? "");
  const STORE = `relais-chat:${base}`;

  const state = { token: null, lastId: 0, socket: null, outbox: new Map(), seen: new Set(), topic: null, ended: false, retry: 500, waitUntil: 0, resend: null };
  const saved = JSON.parse(sessionStorage.getItem(STORE) || "null");

  const host = document.createElement("div");
  host.className = "relais-chat";
  document.body.append(host);
  const shadow = host.attachShadow({ mode: "open" });
  const style = document.createElement("link");
  style.rel = "stylesheet";
  style.href = `${base}/static/relais/chat/widget.css`;
  shadow.append(style);

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (key === "class") node.className = value;
      else node.setAttribute(key, value);
    }
    if (text !== undefined) node.textContent = text;
    return node;
  }

  const launcher = el("button", { class: "launcher", type: "button", "data-testid": "chat-open" }, t("open"));
  const panel = el("section", { class: "panel", hidden: "", "aria-label": t("title"), role: "dialog" });
  shadow.append(launcher, panel);
  launcher.addEventListener("click", () => {
    panel.hidden = !panel.hidden;
  });

  function header() {
    const bar = el("header", {}, "");
    bar.append(el("strong", {}, t("title")));
    const close = el("button", { type: "button", "aria-label": t("close"), class: "x" }, "×");
    close.addEventListener("click", () => (panel.hidden = true));
    bar.append(close);
    if (state.notice) bar.append(el("p", { class: "notice crisis", role: "status", "data-testid": "crisis-notice" }, state.notice));
    return bar;
  }

  function field(label, input) {
    const wrap = el("label", {}, label);
    wrap.append(input);
    return wrap;
  }

  function post(path, body) {
    return fetch(`${base}/chat/${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...body, language: lang }),
    }).then(async (response) => ({ ok: response.ok, data: await response.json() }));
  }

  // -- pre-chat form ---------------------------------------------------------------------

  async function showForm() {
    const response = await fetch(`${base}/chat/config?queue=${encodeURIComponent(queue)}&lang=${lang}`);
    const config = await response.json();
    state.topic = config.topic;
    state.notice = config.notice || "";
    if (!config.open) return showAlternatives("closed", config.topics, config);
    panel.replaceChildren(header());
    const form = el("form", { class: "prechat", "data-testid": "prechat" });
    const name = el("input", { name: "name", required: "", maxlength: "120", autocomplete: "name" });
    name.value = identityName();
    const email = el("input", { name: "email", type: "email", maxlength: "254", autocomplete: "email" });
    const topic = el("select", { name: "topic" });
    for (const option of config.topics) {
      const item = el("option", { value: option.code }, option.label);
      if (option.code === config.topic) item.selected = true;
      topic.append(item);
    }
    const language = el("select", { name: "language" });
    for (const [code, label] of [["fr", "Français"], ["en", "English"]]) {
      const item = el("option", { value: code }, label);
      if (code === lang) item.selected = true;
      language.append(item);
    }
    language.addEventListener("change", () => {
      lang = language.value;
      showForm();
    });
    const question = el("textarea", { name: "message", rows: "3", maxlength: "2000" });
    const error = el("p", { class: "error", role: "alert" });
    form.append(
      field(t("name"), name), field(t("email"), email), field(t("topic"), topic),
      field(t("language"), language), field(t("question"), question),
      el("button", { type: "submit", class: "primary" }, t("start")), error,
    );
    let selfService = null;
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      if (selfService === null && question.value.trim()) {
        selfService = await suggest(question.value, email.value);
        if (selfService && selfService.suggestions.length) {
          return showSuggestions(form, selfService, () => form.requestSubmit());
        }
      }
      const answer = await post("start", {
        name: name.value, email: email.value, topic: topic.value, message: question.value, client_id: uuid(), identity,
      });
      if (!answer.ok) return (error.textContent = answer.data.message || t("error"));
      state.token = answer.data.token;
      state.topic = topic.value;
      if (selfService && selfService.session) helpPost("escalated", { session: selfService.session, chat: state.token });
      save();
      showChat();
      const refused = answer.data.identity && !answer.data.identity.verified;
      if (refused) status.after(el("p", { class: "notice", role: "status", "data-testid": "identity-refused" }, answer.data.identity.message));
      connect();
    });
    panel.append(form);
  }

  // -- self-service before an agent (docs/knowledge.md) ---------------------------------

  function helpPost(path, body) {
    return fetch(`${base}/help/selfservice/${path}`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ ...body, language: lang }),
    }).then(async (response) => (response.ok ? response.json() : null)).catch(() => null);
  }

  function suggest(message, email) {
    return helpPost("suggest", { message, email, identity });
  }

  // Up to three public articles; "That answers my question" ends there, "Talk to an agent"
  // goes on with the pre-chat form (the suggestions are then recorded on the contact).
  function showSuggestions(form, selfService, goOn) {
    const box = el("div", { class: "suggestions", "data-testid": "suggestions", role: "region", "aria-label": t("suggestionsTitle") });
    box.append(el("p", {}, t("suggestionsTitle")));
    const list = el("ul", {});
    for (const item of selfService.suggestions) {
      const link = el("a", { href: `${base}${item.url}`, target: "_blank", rel: "noopener" }, item.title);
      const entry = el("li", { "data-testid": "suggestion" });
      entry.append(link, el("p", { class: "summary" }, item.summary));
      list.append(entry);
    }
    const answered = el("button", { type: "button", class: "primary", "data-testid": "suggestion-answered" }, t("answered"));
    const agent = el("button", { type: "button", "data-testid": "suggestion-agent" }, t("talkToAgent"));
    answered.addEventListener("click", async () => {
      await helpPost("resolved", { session: selfService.session });
      panel.replaceChildren(header(), el("p", { class: "notice", role: "status", "data-testid": "suggestion-thanks" }, t("answeredThanks")));
    });
    agent.addEventListener("click", () => {
      box.remove();
      form.hidden = false;
      goOn();
    });
    box.append(list, answered, agent);
    form.hidden = true;
    form.after(box);
  }

  // The name the brand's site signed (the token's claims are readable; the server checks them).
  function identityName() {
    try {
      const bytes = Uint8Array.from(atob(identity.split(".")[1].replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
      const claims = JSON.parse(new TextDecoder().decode(bytes));
      return typeof claims.name === "string" ? claims.name : "";
    } catch {
      return "";
    }
  }

  function save() {
    sessionStorage.setItem(STORE, JSON.stringify({ token: state.token, lang, topic: state.topic }));
  }

  function uuid() {
    return crypto.randomUUID ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
  }

  // -- the conversation ------------------------------------------------------------------

  let log, status, typing, input, sendForm;

  function showChat() {
    panel.replaceChildren(header());
    status = el("p", { class: "status", "data-testid": "chat-status", "aria-live": "polite" }, t("waiting"));
    log = el("ol", { class: "log", "data-testid": "customer-log", "aria-live": "polite" });
    typing = el("p", { class: "typing", hidden: "" }, t("typing"));
    sendForm = el("form", { class: "send" });
    input = el("textarea", { rows: "2", maxlength: "2000", placeholder: t("placeholder"), "data-testid": "customer-input", "aria-label": t("placeholder") });
    const send = el("button", { type: "submit", class: "primary", "data-testid": "customer-send" }, t("send"));
    sendForm.append(input, send);
    const end = el("button", { type: "button", class: "end" }, t("end"));
    end.addEventListener("click", () => frame({ type: "end" }));
    panel.append(status, log, typing, sendForm, end);
    let lastTyping = 0;
    input.addEventListener("input", () => {
      if (Date.now() - lastTyping > 2000) {
        lastTyping = Date.now();
        frame({ type: "typing" });
      }
    });
    input.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && !event.shiftKey) {
        event.preventDefault();
        sendForm.requestSubmit();
      }
    });
    sendForm.addEventListener("submit", (event) => {
      event.preventDefault();
      const body = input.value.trim();
      if (!body) return;
      const message = { type: "message", client_id: uuid(), body };
      state.outbox.set(message.client_id, message);
      frame(message);
      addMessage({ id: null, sender: "customer", body, client_id: message.client_id, event: "", author: "" }, true);
      input.value = "";
    });
  }

  function frame(data) {
    if (state.socket && state.socket.readyState === WebSocket.OPEN) state.socket.send(JSON.stringify(data));
  }

  function connect() {
    const url = new URL("/ws/chat/", base);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    const socket = new WebSocket(url);
    state.socket = socket;
    socket.addEventListener("open", () => {
      state.retry = 500;
      socket.send(JSON.stringify({ type: "hello", token: state.token, last_id: state.lastId }));
      if (document.hidden) socket.send(JSON.stringify({ type: "visibility", hidden: true }));
      for (const message of state.outbox.values()) socket.send(JSON.stringify(message));
    });
    socket.addEventListener("message", (event) => receive(JSON.parse(event.data)));
    socket.addEventListener("close", () => {
      if (state.ended) return;
      if (status && !state.waitUntil) status.textContent = t("reconnecting");
      const pause = Math.max(state.retry, (state.waitUntil || 0) - Date.now());
      setTimeout(connect, pause);
      state.retry = Math.min(state.retry * 2, 5000);
    });
  }

  function receive(data) {
    switch (data.type) {
      case "welcome":
        if (data.state === "connected") status.textContent = "";
        else if (data.state === "waiting") status.textContent = t("waiting");
        else finish(t("chat_ended"));
        break;
      case "message":
        addMessage(data.message, false);
        break;
      case "ack": {
        state.outbox.delete(data.client_id);
        const pending = log.querySelector(`[data-client="${CSS.escape(data.client_id)}"]`);
        if (pending) pending.classList.remove("pending");
        break;
      }
      case "typing":
        typing.hidden = false;
        clearTimeout(typing.timer);
        typing.timer = setTimeout(() => (typing.hidden = true), 4000);
        break;
      case "queue.position": {
        const parts = [t("position", { position: data.position })];
        if (data.wait_seconds !== null) parts.push(t("wait", { minutes: Math.max(1, Math.round(data.wait_seconds / 60)) }));
        status.textContent = parts.join(" ");
        break;
      }
      case "alternatives":
        showAlternatives(data.reason, null, data);
        break;
      case "done":
        finish(t(`done_${data.what}`));
        break;
      case "error":
        if (data.code === "bad_token") {
          sessionStorage.removeItem(STORE);
          state.ended = true;
          showForm();
        } else if (data.code === "too_fast") {
          // not sent (a rate limit): said, kept pending, and sent again when allowed
          if (status) status.textContent = data.message;
          state.waitUntil = Date.now() + (data.retry_after || 1) * 1000;
          clearTimeout(state.resend);
          state.resend = setTimeout(() => {
            state.waitUntil = 0;
            for (const message of state.outbox.values()) frame(message);
          }, (data.retry_after || 1) * 1000);
        } else if (status) status.textContent = data.message;
        break;
    }
  }

  function addMessage(message, pending) {
    if (message.id !== null) {
      if (state.seen.has(message.id)) return;
      state.seen.add(message.id);
      state.lastId = Math.max(state.lastId, message.id);
    }
    if (message.sender === "customer" && message.client_id) {
      const mine = log.querySelector(`[data-client="${CSS.escape(message.client_id)}"]`);
      if (mine) {
        mine.classList.remove("pending");
        return;
      }
    }
    let text = message.body;
    if (message.event) text = t(message.event, { name: message.author });
    const item = el("li", { class: `msg ${message.sender}${pending ? " pending" : ""}`, "data-testid": "customer-message" });
    if (message.client_id) item.dataset.client = message.client_id;
    if ((message.sender === "agent" || message.sender === "supervisor") && message.author) item.append(el("span", { class: "who" }, message.author));
    item.append(el("span", { class: "text" }, text));
    log.append(item);
    log.scrollTop = log.scrollHeight;
    if (message.sender === "agent") typing.hidden = true;
    if (message.event === "agent_joined") status.textContent = "";
    if (message.event === "chat_ended" || message.event === "customer_left") finish();
  }

  function finish(text) {
    state.ended = true;
    sessionStorage.removeItem(STORE);
    if (sendForm) sendForm.hidden = true;
    if (text && status) status.textContent = text;
    if (state.socket) state.socket.close();
    offerSurvey();
  }

  // -- satisfaction survey, when the conversation ends (docs/satisfaction.md) ------------

  const SCALES = { agent_csat: [1, 5], company_csat: [1, 5], effort: [1, 5], nps: [0, 10] };

  async function offerSurvey() {
    if (!state.token || state.surveyAsked) return;
    state.surveyAsked = true;
    let answer = null;
    try {
      const response = await fetch(`${base}/satisfaction/chat?lang=${lang}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ token: state.token }),
      });
      if (response.ok) answer = await response.json();
    } catch (error) {
      return; // no survey is better than a broken page
    }
    if (answer && answer.survey) showSurvey(answer.survey);
  }

  function showSurvey(survey) {
    const form = el("form", { class: "survey", "data-testid": "survey" });
    form.append(el("h3", {}, t("surveyTitle")));
    for (const question of survey.questions) {
      const box = el("fieldset", {});
      box.append(el("legend", {}, t(`q_${question}`)));
      if (question === "comment") {
        const text = el("textarea", { name: "comment", rows: "2", maxlength: "2000", "aria-label": t("q_comment") });
        box.replaceChildren(field(t("q_comment"), text));
      } else {
        const choices = question === "resolved" ? [["yes", t("yes")], ["no", t("no")]] : range(SCALES[question]).map((v) => [String(v), String(v)]);
        for (const [value, label] of choices) {
          const option = el("label", { class: "choice" });
          option.append(el("input", { type: "radio", name: question, value, "data-testid": `survey-${question}-${value}` }), el("span", {}, label));
          box.append(option);
        }
      }
      form.append(box);
    }
    const result = el("p", { class: "error", role: "alert" });
    form.append(el("button", { type: "submit", class: "primary", "data-testid": "survey-send" }, t("surveySend")), result);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const data = new FormData(form);
      const body = {};
      for (const [name, value] of data.entries()) {
        if (value === "") continue;
        if (name === "comment") body.comment = value;
        else if (name === "resolved") body.resolved = value === "yes";
        else body[name] = Number(value);
      }
      const response = await fetch(`${base}${survey.answer_url}?lang=${lang}`, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      if (response.ok) form.replaceChildren(el("p", { class: "done", "data-testid": "survey-thanks" }, t("surveyThanks")));
      else result.textContent = (await response.json()).message || t("error");
    });
    panel.append(form);
  }

  function range([low, high]) {
    const values = [];
    for (let v = low; v <= high; v += 1) values.push(v);
    return values;
  }

  // -- leave a message / ask for a callback -----------------------------------------------

  // Only what the company can honour is offered (`available`: which of a message and a
  // callback a queue will take); what is offered then always succeeds.
  function showAlternatives(reason, topics, available) {
    const inChat = Boolean(state.token) && !state.ended;
    const offer = { message: available ? available.message !== false : true, callback: available ? available.callback !== false : true };
    const box = el("div", { class: "alternatives", "data-testid": "alternatives" });
    box.append(el("p", {}, reason === "closed" ? t("closed") : t("callbackOffered")));
    if (!offer.message && !offer.callback) {
      if (reason === "closed") box.append(el("p", {}, t("comeBack")));
      if (!inChat) panel.replaceChildren(header());
      panel.append(box);
      return;
    }
    const result = el("p", { class: "error", role: "alert" });
    const mail = el("form", {});
    const mailName = el("input", { name: "name", required: "", maxlength: "120" });
    const mailEmail = el("input", { name: "email", type: "email", required: "" });
    const mailBody = el("textarea", { name: "message", required: "", rows: "3", maxlength: "2000" });
    mail.append(el("h3", {}, t("leaveMessage")));
    if (!inChat) mail.append(field(t("name"), mailName));
    mail.append(field(t("emailRequired"), mailEmail), field(t("message"), mailBody), el("button", { type: "submit" }, t("leaveMessage")));
    const call = el("form", {});
    const callName = el("input", { name: "name", required: "", maxlength: "120" });
    const phone = el("input", { name: "phone", type: "tel", required: "" });
    const when = el("input", { name: "at", type: "datetime-local", required: "" });
    call.append(el("h3", {}, t("callback")));
    if (!inChat) call.append(field(t("name"), callName));
    call.append(field(t("phone"), phone), field(t("when"), when), el("button", { type: "submit" }, t("callback")));
    const submit = async (path, wsFrame, body, what) => {
      if (inChat) return frame(wsFrame);
      const answer = await post(path, { ...body, topic: state.topic || (topics && topics[0] && topics[0].code) });
      if (!answer.ok) return (result.textContent = answer.data.message || t("error"));
      box.replaceChildren(el("p", { class: "done" }, t(`done_${what}`)));
    };
    mail.addEventListener("submit", (event) => {
      event.preventDefault();
      submit("leave-message", { type: "leave_message", email: mailEmail.value, message: mailBody.value },
        { name: mailName.value, email: mailEmail.value, message: mailBody.value }, "message");
    });
    call.addEventListener("submit", (event) => {
      event.preventDefault();
      const at = new Date(when.value).toISOString();
      submit("callback", { type: "callback", phone: phone.value, at }, { name: callName.value, phone: phone.value, at }, "callback");
    });
    if (offer.message) box.append(mail);
    if (offer.callback) box.append(call);
    box.append(result);
    if (!inChat) panel.replaceChildren(header());
    panel.append(box);
  }

  // Liveness: a hidden page (a phone switched to another app) is waited for longer than a
  // page that went silent or said goodbye (closed, or left for another page of the site).
  document.addEventListener("visibilitychange", () => {
    if (state.token && !state.ended) frame({ type: "visibility", hidden: document.hidden });
  });
  window.addEventListener("pagehide", () => {
    if (state.token && !state.ended) frame({ type: "bye" });
  });

  if (saved && saved.token) {
    state.token = saved.token;
    state.topic = saved.topic;
    lang = saved.lang || lang;
    showChat();
    connect();
  } else {
    showForm();
  }
})();
