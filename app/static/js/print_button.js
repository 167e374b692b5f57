/* The 打印 button of every printable form (issue 9 §5: no inline handlers under the CSP). */
(function () {
  var button = document.getElementById("print-form");
  if (button) {
    button.addEventListener("click", function () { window.print(); });
  }
})();
