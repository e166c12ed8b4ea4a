// After the passphrase form is sent, replace it with a note that the download
// has started, so the customer does not expect a second download.
//
// NOTE: the page does not move to the ticket page by itself. Leaving the page
// while the server is still making the key would cancel the response after
// the ticket was already marked delivered, and the ZIP file would be lost.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("form[data-download-form]").forEach(function (form) {
    var started = document.getElementById(form.dataset.downloadForm);
    if (!started) {
      return;
    }
    form.addEventListener("submit", function () {
      // Hide the form only after the browser has built the request from it.
      window.setTimeout(function () {
        form.hidden = true;
        started.hidden = false;
        started.focus();
      }, 0);
    });
  });
});
