// The team switcher is a GET form carrying the page's other parameters (date range, types…):
// choosing a team submits it, so the team changes and everything else on the page is kept.
document.addEventListener("DOMContentLoaded", function () {
  for (const form of document.querySelectorAll("form[data-team-switch]")) {
    const select = form.querySelector("select[name=team]");
    if (select) select.addEventListener("change", function () { form.requestSubmit(); });
  }
});
