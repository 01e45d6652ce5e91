// Progressive enhancement for every page; the pages work without it.
// A checkbox with data-select-all="NAME" checks or clears every checkbox named NAME in its form.
for (const master of document.querySelectorAll("input[data-select-all]")) {
  master.addEventListener("change", () => {
    const scope = master.form || document;
    for (const box of scope.querySelectorAll(`input[type=checkbox][name="${master.dataset.selectAll}"]`)) {
      box.checked = master.checked;
    }
  });
}
// A form is submitted once: its buttons are disabled while the next page loads.
for (const form of document.querySelectorAll("form[method=post]")) {
  form.addEventListener("submit", () => {
    setTimeout(() => form.querySelectorAll("button").forEach((b) => (b.disabled = true)), 0);
  });
}
