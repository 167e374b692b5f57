// Desk conveniences, without inline scripts (a CSP without 'unsafe-inline', issue 9):
//  - [data-print] prints the page;
//  - [data-confirm] asks before a destructive submit (驳回, 注销, 红冲 ...): Cancel submits nothing;
//  - the first field of an add/edit form has the focus, so the desk can type at once.
(function () {
  "use strict";

  document.addEventListener("click", function (e) {
    var el = e.target.closest ? e.target.closest("[data-confirm], [data-print]") : null;
    if (!el) { return; }
    if (el.hasAttribute("data-print")) {
      e.preventDefault();
      window.print();
      return;
    }
    if (!window.confirm(el.getAttribute("data-confirm"))) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);

  function focusFirstField() {
    if (document.querySelector("[autofocus]")) { return; }
    var form = document.querySelector("form#model_form, form[data-autofocus]");
    if (!form) { return; }
    var fields = form.querySelectorAll(
      "input:not([type=hidden]):not([disabled]):not([readonly]), select:not([disabled]), textarea:not([disabled])");
    for (var i = 0; i < fields.length; i++) {
      var field = fields[i];
      var select2 = field.classList.contains("select2-hidden-accessible") && field.nextElementSibling;
      var target = select2 ? select2.querySelector(".select2-selection") : field;
      if (target && target.offsetParent !== null) {
        target.focus();
        return;
      }
    }
  }

  // after select2 has replaced its selects (it runs on jQuery's ready)
  window.addEventListener("load", focusFirstField);
})();
