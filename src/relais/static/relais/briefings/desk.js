// The agent's briefings on the desktop: read from /briefings/desk/ when the page starts, and
// again when the desktop's socket brings `briefing.delivered` (desktop.js dispatches the
// document event "relais:briefings"). Acknowledging posts the answers to the check
// questions; a wrong answer shows the passage again.

const panel = document.getElementById("desk-briefings");

function csrfToken() {
  const match = document.cookie.match(/(?:^|; )csrftoken=([^;]+)/);
  return match ? decodeURIComponent(match[1]) : "";
}

async function load(reread = []) {
  if (!panel) return;
  const url = new URL(panel.dataset.url, location.href);
  reread.forEach((id) => url.searchParams.append("reread", id));
  const response = await fetch(url, { headers: { Accept: "text/html" } });
  if (!response.ok) return;
  panel.innerHTML = await response.text(); // rendered and escaped by the server
  panel.querySelectorAll("form.desk-briefing-ack").forEach(bind);
}

function bind(form) {
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const response = await fetch(form.action, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
    });
    const answer = await response.json();
    const id = form.closest("[data-briefing]").dataset.briefing;
    if (response.ok && answer.acknowledged) return load();
    await load(response.ok ? [id] : []);
    const message = panel.querySelector(`[data-briefing="${id}"] [data-testid="briefing-message"]`);
    if (message) message.textContent = answer.message;
  });
}

document.addEventListener("relais:briefings", () => load());
load();
