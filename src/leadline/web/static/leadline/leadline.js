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
  // A box that scrolls sideways (on a phone, a table wider than the screen scrolls inside its
  // card) must take the keyboard focus when nothing inside it can, or a keyboard user could not
  // scroll it (WCAG 2.1.1). Boxes that stop scrolling when the window widens give it back.
  const SCROLLERS = ".content table, .content .table-scroll, .content .card, .content pre";
  const FOCUSABLE = "a[href], button, input, select, textarea, summary, [tabindex]";
  function keyboardScrolling() {
    document.querySelectorAll(SCROLLERS).forEach(function (el) {
      const scrolls = el.scrollWidth > el.clientWidth + 1 &&
        /auto|scroll/.test(getComputedStyle(el).overflowX);
      if (scrolls && !el.hasAttribute("tabindex") && !el.querySelector(FOCUSABLE)) {
        el.setAttribute("tabindex", "0");
        el.dataset.scrollFocus = "1";
      } else if (!scrolls && el.dataset.scrollFocus) {
        el.removeAttribute("tabindex");
        delete el.dataset.scrollFocus;
      }
    });
  }
  let resized = null;
  window.addEventListener("resize", function () {
    clearTimeout(resized);
    resized = setTimeout(keyboardScrolling, 200);
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", keyboardScrolling);
  } else {
    keyboardScrolling();
  }
})();
