// Today's staffing request, live: every 30 seconds the page is fetched again and each part
// marked data-live (the tiles, each interval's row) is replaced by its new version, except a
// row whose headcount field the partner is editing (what they type is never overwritten).
const panel = document.querySelector("[data-live-url]");
if (panel) {
  const url = panel.dataset.liveUrl;
  const editing = (element) => {
    const field = element.querySelector("input");
    return field && (field === document.activeElement || field.value !== field.defaultValue);
  };
  const refresh = async () => {
    try {
      const response = await fetch(url, { headers: { Accept: "text/html" } });
      if (response.ok) {
        const page = new DOMParser().parseFromString(await response.text(), "text/html");
        for (const fresh of page.querySelectorAll("#request-live [data-live]")) {
          const current = panel.querySelector(`[data-live="${fresh.dataset.live}"]`);
          if (current && !editing(current)) {
            current.replaceWith(document.importNode(fresh, true));
          }
        }
      }
    } catch (error) {
      // the server may be restarting: try again at the next tick
    }
    window.setTimeout(refresh, 30000);
  };
  window.setTimeout(refresh, 30000);
}
