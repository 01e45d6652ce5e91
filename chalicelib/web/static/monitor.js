// Refreshes the monitoring charts while the page is open: fetches the server-rendered
// panel again and swaps it in (no script runs from it; the page's CSP forbids inline script).
const panel = document.getElementById("panel");
const REFRESH_MS = 10000;

async function refresh() {
  try {
    const response = await fetch(panel.dataset.panelUrl);
    if (response.ok) {
      const html = new DOMParser().parseFromString(await response.text(), "text/html");
      panel.replaceChildren(...html.body.childNodes);
      panel.dataset.refreshed = new Date().toISOString();
    }
  } finally {
    setTimeout(refresh, REFRESH_MS);
  }
}

if (panel) setTimeout(refresh, REFRESH_MS);
