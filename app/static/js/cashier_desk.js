// 收银台: ticking bills updates the total and the amount received; choosing a
// household shows its bills. Sums in fen (integers), never floats. The server
// recomputes the sum and refuses a mismatch, so this is comfort only.
(function () {
  "use strict";

  function fen(text) {
    var parts = String(text).split(".");
    return parseInt(parts[0], 10) * 100 + parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
  }

  function yuan(cents, grouped) {
    var whole = String(Math.floor(cents / 100)), rest = String(cents % 100);
    if (grouped) { whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
    return whole + "." + (rest.length < 2 ? "0" + rest : rest);
  }

  function ticks() { return Array.prototype.slice.call(document.querySelectorAll("input.bill-tick")); }

  function refresh() {
    var all = ticks(), on = all.filter(function (t) { return t.checked; });
    var cents = on.reduce(function (sum, t) { return sum + fen(t.getAttribute("data-amount")); }, 0);
    var total = document.getElementById("desk-total"), count = document.getElementById("desk-count");
    var amount = document.getElementById("amount"), tickAll = document.getElementById("tick-all");
    if (total) { total.textContent = yuan(cents, true); }
    if (count) { count.textContent = String(on.length); }
    if (amount) { amount.value = yuan(cents, false); }
    if (tickAll) { tickAll.checked = on.length === all.length; }
  }

  document.addEventListener("DOMContentLoaded", function () {
    ticks().forEach(function (t) { t.addEventListener("change", refresh); });
    var tickAll = document.getElementById("tick-all");
    if (tickAll) {
      tickAll.addEventListener("change", function () {
        ticks().forEach(function (t) { t.checked = tickAll.checked; });
        refresh();
      });
    }
    // The household box is a select2 (search_select.js), which signals through jQuery.
    if (window.jQuery) {
      window.jQuery("select.cashier-household").on("change", function () {
        if (this.value) { document.getElementById("find-household").submit(); }
      });
    }
  });
})();
