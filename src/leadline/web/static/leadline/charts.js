/* Leadline charts: draw every [data-chart] element from the Vega-Lite specs the page passes in
 * the <script type="application/json" id="metrics-charts"> block, fitted to the width each
 * chart gets.
 *
 * `ast: true` makes vega-embed evaluate Vega expressions with the CSP-safe interpreter it bundles
 * (vega-interpreter) instead of compiling them with Function(), so the page's
 * Content-Security-Policy needs no 'unsafe-eval'. The default styles of vega-embed and its
 * tooltip are served from vendor/vega-embed.css rather than injected as <style> elements.
 *
 * Plain charts follow their container's width on their own ("width": "container"). Two things
 * Vega-Lite cannot fit by itself are adapted here, and redrawn when the width crosses a limit:
 * - on a narrow screen a legend beside the plot would squeeze it, so legends go below it;
 * - small multiples (a facet) cannot take the container's width, so the number of columns and
 *   the cell width come from the width available (the spec's usermeta.facet: {minWidth, count}).
 */
(function () {
  "use strict";

  var NARROW = 560; // px: below this width legends go under the plot
  var AXIS = 60; // px left of the first facet cell: the y axis title and labels
  var GAP = 24; // px between facet cells (Vega-Lite's spacing, and room for an axis label)

  function layout(spec, width) {
    var facet = spec.usermeta && spec.usermeta.facet;
    var columns = 0;
    if (facet) {
      var fit = Math.floor((width - AXIS) / (facet.minWidth + GAP));
      var count = facet.count || fit;
      columns = Math.max(1, Math.min(count, fit));
      columns = Math.ceil(count / Math.ceil(count / columns)); // even rows: 2 × 2, not 3 + 1
    }
    return {narrow: width < NARROW, columns: columns};
  }

  function fit(spec, width) {
    var shown = JSON.parse(JSON.stringify(spec));
    var how = layout(spec, width);
    if (how.narrow) {
      shown.config = Object.assign({}, shown.config);
      shown.config.legend = Object.assign(
        {orient: "bottom", direction: "vertical", labelLimit: 150},
        shown.config.legend
      );
    }
    if (how.columns && shown.spec) {
      shown.columns = how.columns;
      shown.spec.width = Math.max(80, Math.floor((width - AXIS) / how.columns) - GAP);
    }
    return shown;
  }

  var drawn = [];

  function draw(el, spec) {
    var width = el.clientWidth;
    var entry = {el: el, spec: spec, key: JSON.stringify(layout(spec, width)), view: null};
    drawn = drawn.filter(function (d) { return d.el !== el; });
    drawn.push(entry);
    return vegaEmbed(el, fit(spec, width), {
      actions: false,
      renderer: "svg",
      ast: true,
      defaultStyle: false,
      tooltip: {theme: "light", disableDefaultStyle: true},
    })
      .then(function (result) {
        entry.view = result.view;
        el.dataset.rendered = "1";
        return result;
      })
      .catch(function (err) { el.textContent = "This chart could not be drawn: " + err; });
  }

  var pending = null;
  window.addEventListener("resize", function () {
    clearTimeout(pending);
    pending = setTimeout(function () {
      drawn.forEach(function (d) {
        if (JSON.stringify(layout(d.spec, d.el.clientWidth)) === d.key) return;
        if (d.view) d.view.finalize();
        draw(d.el, d.spec);
      });
    }, 200);
  });

  function drawPage() {
    var source = document.getElementById("metrics-charts");
    if (!source) return;
    var specs = JSON.parse(source.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var spec = specs[el.dataset.chart];
      if (!spec) return;
      var shown = Object.assign({}, spec);
      delete shown.title; delete shown.description; // shown in the card's heading and caption
      draw(el, shown);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawPage);
  } else {
    drawPage();
  }

  window.leadlineCharts = {draw: draw, fit: fit};
})();
