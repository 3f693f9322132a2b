// Live progress of a simulation run: polls the run's status every second, then reloads
// the page once the run is done or failed (the page then shows the results).
const panel = document.querySelector("[data-run-status-url]");
if (panel) {
  const url = panel.dataset.runStatusUrl;
  const bar = panel.querySelector("progress");
  const percent = panel.querySelector("[data-testid=run-percent]");
  const status = panel.querySelector("[data-testid=run-status]");
  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const run = await response.json();
        bar.value = run.progress;
        percent.textContent = `${run.percent} %`;
        status.textContent = run.status_label;
        if (run.status === "done" || run.status === "failed") {
          window.location.reload();
          return;
        }
      }
    } catch (error) {
      // the server may be restarting: try again at the next tick
    }
    window.setTimeout(poll, 1000);
  };
  window.setTimeout(poll, 1000);
}
