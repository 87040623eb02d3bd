// Draw every [data-chart] element from the Vega-Lite specs the page passes in the
// <script type="application/json" id="metrics-charts"> block.
//
// `ast: true` makes vega-embed evaluate Vega expressions with the CSP-safe interpreter it bundles
// (vega-interpreter) instead of compiling them with Function(), so the page's
// Content-Security-Policy needs no 'unsafe-eval'. The default styles of vega-embed and its
// tooltip are served from vendor/vega-embed.css rather than injected as <style> elements.
(function () {
  "use strict";
  function draw() {
    const source = document.getElementById("metrics-charts");
    if (!source) return;
    const specs = JSON.parse(source.textContent);
    for (const el of document.querySelectorAll("[data-chart]")) {
      const spec = specs[el.dataset.chart];
      if (!spec) continue;
      const shown = Object.assign({}, spec);
      delete shown.title; delete shown.description;  // shown in the card's heading and caption
      vegaEmbed(el, shown, {
        actions: false,
        renderer: "svg",
        ast: true,
        defaultStyle: false,
        tooltip: {theme: "light", disableDefaultStyle: true},
      })
        .then(function () { el.dataset.rendered = "1"; })
        .catch(function (err) { el.textContent = "This chart could not be drawn: " + err; });
    }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
