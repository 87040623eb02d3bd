// The retrospective board's timer: counts down every [data-timer-ends] element once a second.
// It looks the elements up on each tick because the board's live part is replaced by polling.
(function () {
  "use strict";
  function tick() {
    document.querySelectorAll("[data-timer-ends]").forEach(function (el) {
      var out = el.querySelector("[data-timer-left]");
      var ends = Date.parse(el.getAttribute("data-timer-ends"));
      if (!out || isNaN(ends)) return;
      var left = Math.round((ends - Date.now()) / 1000);
      if (left <= 0) {
        out.textContent = "time is up";
        el.classList.add("timer-done");
        return;
      }
      var m = Math.floor(left / 60), s = left % 60;
      out.textContent = m + ":" + (s < 10 ? "0" : "") + s + " left";
    });
  }
  tick();
  setInterval(tick, 1000);
})();
