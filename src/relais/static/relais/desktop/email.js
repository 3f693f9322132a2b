// The desktop's e-mail workspace (docs/email.md): the conversation, each message's
// sanitised HTML shown in a sandboxed frame (no script can run, even if one slipped
// through), and a reply with a minimal rich-text editor, canned replies and attachments.
// The server sanitises the reply again (nh3): the editor is a convenience, not a guard.

import { csrfToken, element, fmt } from "./dom.js";

const root = document.getElementById("desk");
const S = JSON.parse(document.getElementById("email-strings").textContent);
const $ = (selector, scope = document) => scope.querySelector(selector);

const FRAME_HEAD =
  "<!doctype html><meta charset=utf-8><meta http-equiv=\"Content-Security-Policy\" " +
  "content=\"default-src 'none'; style-src 'unsafe-inline'\"><style>body{font:14px sans-serif;margin:0}</style>";

function mailItem(contactId, message) {
  const item = element("li", "desk-mail");
  item.dataset.testid = "mail";
  item.dataset.direction = message.direction;
  const time = new Date(message.created).toLocaleString();
  const head = message.direction === "inbound"
    ? fmt(S.message_from, { sender: message.sender, time })
    : fmt(S.sent_by_us, { time, state: message.state_label });
  item.append(element("p", "desk-mail-head", head));
  if (message.direction === "outbound" && message.state === "failed") {
    item.dataset.state = "failed";
    const failure = element("p", "desk-mail-error text-danger", `${message.last_error} ${message.next_attempt_at ? fmt(S.retry_at, { time: new Date(message.next_attempt_at).toLocaleTimeString() }) : ""}`);
    failure.dataset.testid = "mail-failed";
    item.append(failure);
  }
  const frame = document.createElement("iframe");
  frame.setAttribute("sandbox", ""); // no scripts, no same origin, no forms, no popups
  frame.title = S.mail_body;
  frame.className = "desk-mail-body";
  frame.dataset.testid = "mail-body";
  frame.srcdoc = FRAME_HEAD + message.html;
  item.append(frame);
  if (message.attachments.length) {
    const list = element("ul", "desk-mail-files list-inline");
    for (const file of message.attachments) {
      const link = element("a", "", `📎 ${file.filename}`);
      link.href = S.attachment_url.replace(/0\/attachments\/0$/, `${contactId}/attachments/${file.id}`);
      link.setAttribute("download", "");
      const entry = element("li", "list-inline-item");
      entry.append(link);
      list.append(entry);
    }
    item.append(list);
  }
  return item;
}

async function loadThread(contactId, box) {
  const response = await fetch(S.thread_url.replace(/0\/thread$/, `${contactId}/thread`), { headers: { Accept: "application/json" } });
  if (!response.ok) return;
  const thread = await response.json();
  $(".desk-mail-subject", box).textContent = thread.subject;
  const clock = thread.responded_at
    ? fmt(S.responded, { time: new Date(thread.responded_at).toLocaleString() })
    : thread.response_due_at ? fmt(S.due, { time: new Date(thread.response_due_at).toLocaleString() }) : "";
  $(".desk-mail-clock", box).textContent = clock;
  $(".desk-mail-thread", box).replaceChildren(...thread.messages.map((m) => mailItem(contactId, m)));
}

function toolbarButton(label, text, action) {
  const button = element("button", "btn btn-sm", text);
  button.type = "button";
  button.setAttribute("aria-label", label);
  button.addEventListener("mousedown", (event) => event.preventDefault()); // keep the selection
  button.addEventListener("click", action);
  return button;
}

function replyForm(contactId, box) {
  const form = element("form", "desk-mail-reply");
  const editor = element("div", "form-control desk-mail-editor");
  editor.contentEditable = "true";
  editor.setAttribute("role", "textbox");
  editor.setAttribute("aria-multiline", "true");
  editor.setAttribute("aria-label", S.reply);
  editor.dataset.testid = "mail-editor";
  const run = (command, value) => () => { editor.focus(); document.execCommand(command, false, value); };
  const toolbar = element("div", "btn-group desk-mail-toolbar");
  toolbar.append(
    toolbarButton(S.bold, "B", run("bold")),
    toolbarButton(S.italic, "I", run("italic")),
    toolbarButton(S.list, "•", run("insertUnorderedList")),
    toolbarButton(S.link, "🔗", () => {
      const url = prompt(S.link_prompt, "https://");
      if (url && /^(https?:|mailto:)/.test(url)) run("createLink", url)();
    }),
  );
  const files = element("input", "form-control form-control-sm");
  files.type = "file";
  files.multiple = true;
  files.name = "files";
  files.setAttribute("aria-label", S.attach);
  files.dataset.testid = "mail-files";
  const send = element("button", "btn btn-primary", S.send);
  send.type = "submit";
  send.dataset.testid = "mail-send";
  const status = element("p", "desk-mail-status");
  status.setAttribute("role", "status");
  status.dataset.testid = "mail-status";
  form.append(toolbar, editor, files, send, status);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const body = new FormData();
    body.append("html", editor.innerHTML);
    for (const file of files.files) body.append("files", file);
    send.disabled = true;
    status.textContent = S.sending;
    const response = await fetch(S.reply_url.replace(/0\/reply$/, `${contactId}/reply`), {
      method: "POST", body, headers: { "X-CSRFToken": csrfToken() },
    });
    send.disabled = false;
    const answer = await response.json().catch(() => ({}));
    if (!response.ok) {
      status.textContent = answer.message || S.failed;
      return;
    }
    status.textContent = S.sent;
    editor.replaceChildren();
    files.value = "";
    await loadThread(contactId, box);
    setTimeout(() => loadThread(contactId, box), 3000); // the relay's answer
  });
  return { form, editor };
}

root.addEventListener("desk:chat", (event) => {
  const { chat, el } = event.detail;
  if (chat.channel !== "email") return;
  const box = element("section", "desk-mail-box");
  box.setAttribute("aria-label", S.thread);
  box.append(element("h3", "h4 desk-mail-subject"), element("p", "desk-mail-clock small"));
  const thread = element("ol", "desk-mail-thread list-unstyled");
  thread.dataset.testid = "mail-thread";
  box.append(thread);
  const { form, editor } = replyForm(chat.contact_id, box);
  box.append(form);
  $(".desk-log", el).before(box);
  $(".desk-log", el).hidden = true; // the thread shows what the customer wrote
  // a canned reply goes into the editor (desktop.js fills the chat's text area)
  $(".desk-canned", el).addEventListener("click", (click) => {
    const chosen = click.target.closest("[data-testid=canned-reply]");
    if (!chosen) return;
    const text = $(".desk-canned-text", chosen).textContent;
    editor.focus();
    document.execCommand("insertText", false, text);
  });
  loadThread(chat.contact_id, box);
  // the customer wrote again (a line in the hidden chat log, from the desk stream): reload
  new MutationObserver(() => loadThread(chat.contact_id, box)).observe($(".desk-log", el), { childList: true });
});
