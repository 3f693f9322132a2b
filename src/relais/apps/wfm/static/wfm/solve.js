// Live progress of a schedule solve: polls the solve's status every second (phase and
// share of the work done, written by the job), then reloads the page once it is done or
// failed (the page then shows the result in words).
const panel = document.querySelector("[data-solve-status-url]");
if (panel) {
  const url = panel.dataset.solveStatusUrl;
  const bar = panel.querySelector("[data-testid=solve-bar]");
  const percent = panel.querySelector("[data-testid=solve-percent]");
  const status = panel.querySelector("[data-testid=solve-status]");
  const phase = panel.querySelector("[data-testid=solve-phase]");
  const poll = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "application/json" } });
      if (response.ok) {
        const solve = await response.json();
        bar.style.width = `${solve.percent}%`;
        bar.setAttribute("aria-valuenow", solve.percent);
        percent.textContent = `${solve.percent}\u202f%`;
        status.textContent = solve.status_label;
        phase.textContent = solve.phase_label;
        if (solve.status === "done" || solve.status === "failed") {
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
