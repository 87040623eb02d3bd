/* Leadline form behaviour, driven by data attributes only (no inline scripts, no eval), so it
   runs under a strict Content-Security-Policy. Without JavaScript every form still works: the
   multi-selects stay plain <select multiple> and every field stays visible. */
(function () {
  "use strict";

  /* <select multiple data-searchable>: a searchable picker (vendored Tom Select) instead of
     Ctrl-click. The original <select> stays in the form and is what gets submitted. */
  function searchable(root) {
    if (typeof window.TomSelect !== "function") return;
    root.querySelectorAll("select[multiple][data-searchable]").forEach(function (el) {
      if (el.tomselect) return;
      new window.TomSelect(el, {
        plugins: ["remove_button"],
        maxOptions: null,
        hidePlaceholder: true,
        placeholder: el.getAttribute("data-placeholder") || "Type to search…",
        closeAfterSelect: true,
      });
      // The original list stays only to be submitted: keep it out of the accessibility tree
      // (its label now names the search box, which replaces it for everyone).
      el.setAttribute("aria-hidden", "true");
    });
  }

  /* A form with <select data-kind-switch> (the RAID form's type) shows only the fields of the
     chosen kind: elements with data-kinds="risk dependency" are hidden for other kinds. Hidden
     inputs are still submitted, so values stored on an item are never lost by hiding them. */
  function kindSwitch(root) {
    root.querySelectorAll("select[data-kind-switch]").forEach(function (sel) {
      var form = sel.form;
      if (!form || sel.hasAttribute("data-kind-ready")) return;
      sel.setAttribute("data-kind-ready", "");
      function apply() {
        var kind = sel.value;
        form.querySelectorAll("[data-kinds]").forEach(function (el) {
          var on = el.getAttribute("data-kinds").split(" ").indexOf(kind) !== -1;
          if (el.tagName === "OPTION") {
            el.hidden = !on;
            el.disabled = !on;
          } else {
            el.hidden = !on;
          }
        });
        form.querySelectorAll("select").forEach(function (s) {
          var chosen = s.options[s.selectedIndex];
          if (chosen && chosen.disabled) {
            var first = Array.prototype.find.call(s.options, function (o) { return !o.disabled; });
            if (first) s.value = first.value;
          }
        });
        form.setAttribute("data-kind", kind);
      }
      sel.addEventListener("change", apply);
      apply();
    });
  }

  function init() {
    searchable(document);
    kindSwitch(document);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
  // Forms that htmx swaps in get the same treatment.
  document.addEventListener("htmx:load", function (e) {
    searchable(e.target);
    kindSwitch(e.target);
  });
})();
