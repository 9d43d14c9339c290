// Asks before a destructive or bulk action: a form with data-confirm is
// sent only when the person confirms. Runs first (capture), so the
// console's background sending never starts for a cancelled form.
(function () {
  "use strict";
  document.addEventListener("submit", function (e) {
    var form = e.target;
    var question = form && form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      e.preventDefault();
      e.stopImmediatePropagation();
    }
  }, true);
})();
