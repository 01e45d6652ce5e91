// Live progress of a workflow page. The one place that updates the progress section, so a
// push channel (WebSocket events carrying state, done, total) can call `show` directly;
// until then, and whenever such a channel is unavailable, it polls the progress URL.
const section = document.getElementById("progress");
const ACTIVE = new Set(["pending", "running", "paused"]);
const POLL_MS = 1000;

export function show(figures) {
  const percent = figures.progress_percent ?? (figures.total ? (100 * (figures.done + figures.failed)) / figures.total : 0);
  document.getElementById("progress-bar").value = percent;
  document.getElementById("progress-bar").textContent = `${percent} %`;
  document.getElementById("progress-percent").textContent = `${percent} %`;
  document.getElementById("progress-state").textContent = figures.state;
  document.getElementById("progress-counts").textContent =
    `${figures.done} done, ${figures.failed} failed of ${figures.total}`;
  document.getElementById("progress-eta").textContent =
    figures.eta_seconds == null ? "—" : `${Math.round(figures.eta_seconds)} s`;
  section.dataset.state = figures.state;
}

async function poll() {
  try {
    const response = await fetch(section.dataset.progressUrl, { headers: { Accept: "application/json" } });
    if (!response.ok) return;
    const figures = await response.json();
    const wasActive = ACTIVE.has(section.dataset.state);
    show(figures);
    if (wasActive && !ACTIVE.has(figures.state)) {
      window.location.reload(); // finished: show the full report
      return;
    }
  } finally {
    if (ACTIVE.has(section.dataset.state)) setTimeout(poll, POLL_MS);
  }
}

if (section && ACTIVE.has(section.dataset.state)) setTimeout(poll, POLL_MS);
