// The desktop's knowledge panel (docs/knowledge.md): in each conversation, search the
// articles the agent may read, see suggestions drawn from the customer's last messages,
// read an article, and insert its link or a passage into the reply. Each insertion is
// recorded (which article was used in which contact). Text from the server is shown with
// textContent; an article's body is HTML the server sanitised (nh3).
const BASE = "/knowledge/panel";

function csrf() {
  const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

function contactOf(box) {
  return Number(box.closest("[data-contact]")?.dataset.contact || 0);
}

function reply(box) {
  return box.closest(".desk-chat")?.querySelector(".desk-send textarea");
}

function insert(box, text) {
  const area = reply(box);
  if (!area) return;
  const before = area.value && !area.value.endsWith(" ") && !area.value.endsWith("\n") ? " " : "";
  area.value = `${area.value}${before}${text}`.slice(0, Number(area.maxLength) > 0 ? area.maxLength : 2000);
  area.dispatchEvent(new Event("input", { bubbles: true }));
  area.focus();
}

function recordUse(box, article, kind) {
  return fetch(`${BASE}/uses`, {
    method: "POST",
    headers: { "Content-Type": "application/json", "X-CSRFToken": csrf(), Accept: "application/json" },
    body: JSON.stringify({ article, contact: contactOf(box), kind }),
  });
}

async function readArticle(box, id) {
  const response = await fetch(`${BASE}/articles/${id}`);
  if (!response.ok) return;
  const article = await response.json();
  const reader = box.querySelector(".desk-knowledge-reader");
  reader.replaceChildren();
  const title = document.createElement("h4");
  title.textContent = article.title;
  const body = document.createElement("div");
  body.innerHTML = article.html; // sanitised on the server (rendering.py)
  const passage = document.createElement("button");
  passage.type = "button";
  passage.className = "btn btn-sm";
  passage.dataset.testid = "knowledge-insert-passage";
  passage.textContent = box.dataset.insertPassage;
  passage.addEventListener("click", () => {
    const selected = String(window.getSelection() || "").trim();
    const text = selected && reader.contains(window.getSelection().anchorNode) ? selected : article.text;
    insert(box, text);
    recordUse(box, article.id, "passage");
  });
  reader.append(title, body, passage);
  reader.hidden = false;
}

function show(box, articles, caption) {
  const list = box.querySelector(".desk-knowledge-results");
  box.querySelector(".desk-knowledge-caption").textContent = caption || "";
  list.replaceChildren();
  if (!articles.length) {
    const none = document.createElement("li");
    none.className = "text-secondary";
    none.textContent = box.dataset.none;
    list.append(none);
    return;
  }
  for (const article of articles) {
    const item = document.createElement("li");
    item.dataset.testid = "knowledge-result";
    const title = document.createElement("strong");
    title.textContent = article.title;
    const read = document.createElement("button");
    read.type = "button";
    read.className = "btn btn-link btn-sm";
    read.textContent = box.dataset.openLabel;
    read.addEventListener("click", () => readArticle(box, article.id));
    const link = document.createElement("button");
    link.type = "button";
    link.className = "btn btn-link btn-sm";
    link.dataset.testid = "knowledge-insert-link";
    link.textContent = box.dataset.insertLink;
    link.addEventListener("click", () => {
      insert(box, new URL(article.url, window.location.origin).href);
      recordUse(box, article.id, "link");
    });
    item.append(title, " ", read, link);
    list.append(item);
  }
}

async function suggestions(box) {
  const contact = contactOf(box);
  if (!contact) return;
  const response = await fetch(`${BASE}/contacts/${contact}`);
  if (response.ok) show(box, (await response.json()).articles, box.dataset.suggested);
}

let timer = 0;
document.addEventListener("input", (event) => {
  const field = event.target;
  if (!(field instanceof HTMLInputElement) || !field.classList.contains("desk-knowledge-search")) return;
  const box = field.closest(".desk-knowledge");
  clearTimeout(timer);
  timer = setTimeout(async () => {
    const query = field.value.trim();
    if (!query) return suggestions(box);
    const response = await fetch(`${BASE}/search?q=${encodeURIComponent(query)}`);
    if (response.ok) show(box, (await response.json()).articles, "");
  }, 250);
});

document.addEventListener(
  "toggle",
  (event) => {
    const box = event.target;
    if (box instanceof HTMLDetailsElement && box.classList.contains("desk-knowledge") && box.open) {
      suggestions(box);
    }
  },
  true,
);
