// File fields in the page's language. The browser's own picker names its
// button and the chosen file in the browser's language ("Choose File",
// "No file chosen") whatever the page's; each field's input lies,
// transparent, over a face in the page's language (views::components::
// file_input, static/antre.css), and this keeps the chosen file's name on
// that face. Without scripts the browser's own picker shows.
(function () {
  "use strict";
  function show(input) {
    var pick = input.closest(".file-pick");
    var name = pick && pick.querySelector(".file-name");
    if (!name) return;
    var files = input.files || [];
    var chosen = files.length > 0;
    var names = [];
    for (var i = 0; i < files.length; i++) names.push(files[i].name);
    name.textContent = chosen ? names.join(", ") : name.getAttribute("data-none");
    pick.classList.toggle("chosen", chosen);
  }
  function showAll(root) {
    var inputs = root.querySelectorAll(".file-pick input[type=file]");
    for (var i = 0; i < inputs.length; i++) show(inputs[i]);
  }
  document.addEventListener("change", function (e) {
    var input = e.target;
    if (input && input.matches && input.matches(".file-pick input[type=file]")) show(input);
  });
  // A form's reset clears its files after the event: show that.
  document.addEventListener("reset", function (e) {
    var form = e.target;
    setTimeout(function () { showAll(form); }, 0);
  });
  // Back to a page whose field the browser kept filled.
  window.addEventListener("pageshow", function () { showAll(document); });
})();
