// Progressive enhancement only: the console works without this file.
// Keeps deadline countdowns current, applies the topic filter on change and disables the decision buttons once one is sent.
"use strict";
(function () {
  function left(ms) {
    if (ms <= 0) return "closed";
    var m = Math.round(ms / 60000), d = Math.floor(m / 1440), h = Math.floor((m % 1440) / 60), mm = m % 60;
    if (d > 0) return d + "d " + h + "h";
    if (h > 0) return h + "h " + (mm < 10 ? "0" : "") + mm + "m";
    return mm + "m";
  }
  function tick() {
    var els = document.querySelectorAll("time.countdown[datetime]");
    for (var i = 0; i < els.length; i++) {
      var t = Date.parse(els[i].getAttribute("datetime"));
      if (!isNaN(t)) els[i].textContent = left(t - Date.now());
    }
  }
  document.addEventListener("DOMContentLoaded", function () {
    setInterval(tick, 30000);
    // The topic filter applies as soon as it changes (its Show button is for pages without script).
    var filters = document.querySelector("form.filters");
    if (filters) filters.addEventListener("change", function () { filters.submit(); });
    document.addEventListener("submit", function (e) {
      var b = e.submitter;
      if (!b || !b.classList || !(b.classList.contains("yes") || b.classList.contains("no"))) return;
      // Double-submits are harmless (a decision is stored, not added) but look confusing.
      var forms = document.querySelectorAll("form button.yes, form button.no");
      setTimeout(function () { for (var i = 0; i < forms.length; i++) forms[i].disabled = true; }, 0);
    });
  });
})();
