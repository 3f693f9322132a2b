// A briefing's acknowledgements by site, read again every 3 s while the page is open.
const table = document.getElementById("briefing-progress");

async function refresh() {
  if (document.hidden) return;
  const response = await fetch(table.dataset.url, { headers: { Accept: "text/html" } });
  if (response.ok) table.innerHTML = await response.text(); // rendered and escaped by the server
}

if (table) setInterval(refresh, 3000);
