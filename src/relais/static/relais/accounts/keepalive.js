// An open agent desktop is in use even when only its WebSocket talks: it tells the server so
// every five minutes (the idle timeout, docs/security.md). Once the session has ended anyway
// (signed out elsewhere, a shift's length), the page reloads to the login form.
const EVERY_MS = 5 * 60 * 1000;

setInterval(async () => {
  try {
    const response = await fetch("/accounts/alive/", { credentials: "same-origin" });
    if (response.status === 401) window.location.reload();
  } catch {
    // offline for a moment: the desktop's socket says so; try again at the next beat
  }
}, EVERY_MS);
