// The team switcher: each choice is this page's URL for that team, with the page's other
// parameters (date range, types…) kept (leadline.web.context.team_choices). Choosing one opens it.
document.addEventListener("DOMContentLoaded", function () {
  for (const select of document.querySelectorAll("select[data-team-switch]")) {
    select.addEventListener("change", function () {
      const href = select.selectedOptions[0] && select.selectedOptions[0].dataset.href;
      if (href) window.location.assign(href);
    });
  }
});
