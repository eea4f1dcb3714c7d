// On a phone the library's filters come after the results and start folded, so the
// results are what a reader sees; without JavaScript they stay open. A link in the
// results ("Narrow down the results") unfolds them.
(function () {
  "use strict";
  var fold = document.getElementById("facets");
  if (!fold || !window.matchMedia("(max-width: 60rem)").matches) { return; }
  fold.open = false;
  document.querySelectorAll('a[href="#facets"]').forEach(function (link) {
    link.addEventListener("click", function () { fold.open = true; });
  });
})();
