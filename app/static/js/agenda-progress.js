/* Scheduling job progress: polls the job's JSON every 2 s while it is queued or running and
   updates the progress bar. No framework, no inline script; without JavaScript the page keeps
   its "Actualiser" link. Texts come translated from the server (JSON and data attributes). */
(function () {
  "use strict";
  var POLL_MS = 2000;

  function field(box, name) {
    return box.querySelector('[data-job-field="' + name + '"]');
  }

  function render(box, job) {
    var bar = field(box, "bar");
    var inner = field(box, "bar-inner");
    var status = field(box, "status_label");
    var live = field(box, "live");
    var message = field(box, "message");
    if (bar) { bar.setAttribute("aria-valuenow", String(job.percent)); }
    if (inner) {
      inner.style.width = job.percent + "%";
      inner.textContent = job.percent + " %";
      if (!job.active) {
        inner.classList.remove("progress-bar-striped", "progress-bar-animated");
        if (job.status === "failed") { inner.classList.add("bg-danger"); }
      }
    }
    if (status && status.textContent !== job.status_label) {
      status.textContent = job.status_label;
    }
    if (message && job.message) { message.textContent = job.message; }
    var refresh = field(box, "refresh");
    if (!job.active && refresh && refresh.parentNode) {
      refresh.parentNode.hidden = true;  // nothing left to wait for
    }
    if (!job.active && live) {
      // Announced once by the aria-live region when the run ends.
      live.textContent = job.live_text + " ";
      if (job.version_url) {
        var link = document.createElement("a");
        link.href = job.version_url;
        link.textContent = box.getAttribute("data-version-label") || job.version_url;
        live.appendChild(link);
      }
    }
  }

  function poll(box) {
    var url = box.getAttribute("data-job-url");
    var request = new XMLHttpRequest();
    request.open("GET", url);
    request.setRequestHeader("Accept", "application/json");
    request.onload = function () {
      if (request.status !== 200) { return; }  // keep the "Actualiser" link as a fallback
      var job = JSON.parse(request.responseText);
      render(box, job);
      if (job.active) {
        window.setTimeout(function () { poll(box); }, POLL_MS);
      } else {
        box.setAttribute("data-job-active", "false");
      }
    };
    request.send();
  }

  document.addEventListener("DOMContentLoaded", function () {
    var boxes = document.querySelectorAll('[data-job-url][data-job-active="true"]');
    Array.prototype.forEach.call(boxes, function (box) {
      window.setTimeout(function () { poll(box); }, POLL_MS);
    });
  });
})();
