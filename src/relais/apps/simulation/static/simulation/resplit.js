// A re-split proposal still being simulated: reload its page every two seconds until the
// job has finished (the page then shows the candidates, or why it failed).
if (document.querySelector("[data-resplit-pending]")) {
  window.setTimeout(() => window.location.reload(), 2000);
}
