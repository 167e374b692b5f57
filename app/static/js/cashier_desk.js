// 收银台: choosing a household shows its bills; ticking bills updates the
// total and the amount received. Sums in fen (integers), never floats.
// The server recomputes the sum and refuses a mismatch, so this is comfort only.
$(function () {
  $("select.cashier-household").on("change", function () {
    if ($(this).val()) { $("#find-household").trigger("submit"); }
  });

  function fen(text) {
    var parts = String(text).split(".");
    return parseInt(parts[0], 10) * 100 + parseInt(((parts[1] || "") + "00").slice(0, 2), 10);
  }
  function yuan(cents, grouped) {
    var whole = String(Math.floor(cents / 100)), rest = String(cents % 100);
    if (grouped) { whole = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ","); }
    return whole + "." + (rest.length < 2 ? "0" + rest : rest);
  }
  function refresh() {
    var cents = 0, count = 0;
    $("input.bill-tick:checked").each(function () { cents += fen($(this).data("amount")); count += 1; });
    $("#desk-total").text(yuan(cents, true));
    $("#desk-count").text(count);
    $("#amount").val(yuan(cents, false));
    $("#tick-all").prop("checked", count === $("input.bill-tick").length);
  }
  $("input.bill-tick").on("change", refresh);
  $("#tick-all").on("change", function () {
    $("input.bill-tick").prop("checked", $(this).prop("checked"));
    refresh();
  });
  $("#print-receipt").on("click", function () { window.print(); });
});
