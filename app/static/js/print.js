/* The "Print" button of the print pages. Without JavaScript the button stays hidden and the
   page says to use the browser's own Print command. No inline script. */
(function () {
  "use strict";
  document.querySelectorAll("[data-print]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
}());
