// "Copy" buttons for the citations. Without JavaScript the text stays selectable in
// its read-only box, and the buttons stay hidden.
(function () {
  "use strict";
  var status = document.querySelector("[data-copy-status]");
  document.querySelectorAll("button[data-copy]").forEach(function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    button.hidden = false;
    button.addEventListener("click", function () {
      var done = function () {
        if (status) { status.textContent = status.getAttribute("data-copied"); }
        button.setAttribute("data-copied", "true");
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(source.value).then(done, function () {
          source.select();
          if (status) { status.textContent = status.getAttribute("data-failed"); }
        });
      } else {
        source.select();
        if (document.execCommand && document.execCommand("copy")) { done(); }
        else if (status) { status.textContent = status.getAttribute("data-failed"); }
      }
    });
  });
})();
