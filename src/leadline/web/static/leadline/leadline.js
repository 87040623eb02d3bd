// Page behaviour that templates declare with data- attributes: the Content-Security-Policy
// allows no inline script, so no onchange="…" or onsubmit="…" handlers.
(function () {
  "use strict";
  document.addEventListener("change", function (event) {
    const el = event.target;
    if (!(el instanceof HTMLElement)) return;
    // <select data-navigate>: each option's value is the address to go to.
    if (el.matches("select[data-navigate]") && el.value) {
      window.location = el.value;
    }
    // <select data-navigate-param="team">: go to ?team=<value> on the same page.
    if (el.matches("select[data-navigate-param]")) {
      window.location = "?" + encodeURIComponent(el.dataset.navigateParam) + "=" +
        encodeURIComponent(el.value);
    }
    // Any field with data-autosubmit sends its form when changed.
    if (el.matches("[data-autosubmit]") && el.form) {
      el.form.requestSubmit();
    }
  });
  // <form data-confirm="question">: ask before sending.
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (form instanceof HTMLFormElement && form.dataset.confirm &&
        !window.confirm(form.dataset.confirm)) {
      event.preventDefault();
    }
  });
})();
