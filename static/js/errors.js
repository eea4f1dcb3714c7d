// A page that comes back with a form's errors opens at their summary (the form's action
// ends in "#errors"); browsers scroll there but not all move the focus, so a keyboard or
// screen-reader user would start from the top of the page. This moves it.
(function () {
  "use strict";
  var summary = document.getElementById("errors");
  if (summary && summary.classList.contains("error-summary")) {
    summary.focus();
  }
})();
