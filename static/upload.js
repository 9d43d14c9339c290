// Document uploads from a phone: the file goes up with a progress bar,
// then the page shows the check's result. A dropped or timed-out
// connection says so and leaves the form ready to send again; the server
// stores a document whole or not at all, so nothing is half-stored.
// Without JavaScript the form posts as usual.
(function () {
  "use strict";
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (e.defaultPrevented || !form.classList || !form.classList.contains("upload-form")) return;
    if (!window.FormData || !window.XMLHttpRequest) return;
    e.preventDefault();
    var button = form.querySelector("button[type=submit]");
    var status = form.querySelector(".upload-status");
    if (!status) {
      status = document.createElement("div");
      status.className = "upload-status";
      status.setAttribute("role", "status");
      form.appendChild(status);
    }
    status.className = "upload-status";
    status.textContent = form.getAttribute("data-sending") + " ";
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", form.getAttribute("data-sending"));
    status.appendChild(bar);
    if (button) button.disabled = true;
    var item = form.querySelector("input[name=item]");
    var xhr = new XMLHttpRequest();
    xhr.open("POST", form.action);
    xhr.timeout = 180000;
    xhr.upload.onprogress = function (ev) {
      if (ev.lengthComputable) bar.value = Math.round((ev.loaded * 100) / ev.total);
    };
    function failed() {
      if (button) button.disabled = false;
      status.className = "upload-status field-error";
      status.setAttribute("role", "alert");
      status.textContent = form.getAttribute("data-failed");
    }
    xhr.onload = function () {
      if (xhr.status >= 500 || xhr.status === 0) return failed();
      var url = xhr.responseURL || "";
      if (url && url.split("#")[0] !== form.action.split("#")[0]) {
        // Followed the server's redirect: show that page, at the item.
        window.location.assign(url + (item ? "#item-" + item.value : ""));
      } else {
        // A refusal rendered as a page: show it as the browser would.
        document.open();
        document.write(xhr.responseText);
        document.close();
      }
    };
    xhr.onerror = failed;
    xhr.ontimeout = failed;
    xhr.onabort = failed;
    xhr.send(new FormData(form));
  });
})();
