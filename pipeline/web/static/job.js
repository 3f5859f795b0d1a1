/* tonghop: the progress of the round's consolidation on the board, polled while it runs.
   Progressive enhancement: without this script the page refreshes itself (a meta refresh in
   <noscript>). Plain ES5; every text shown comes from the box's data-* attributes. */
(function () {
  "use strict";
  var box = document.querySelector("[data-job]");
  if (!box || !window.XMLHttpRequest || !window.JSON) {
    return;
  }
  var bar = box.querySelector("progress");
  var text = box.querySelector(".job-read");

  function said(name) {
    return box.getAttribute("data-" + name) || "";
  }

  function show(job) {
    if (job.total) {
      bar.max = job.total;
      bar.value = job.done;
    }
    if (!job.total) {
      text.textContent = said("preparing");
      return;
    }
    text.textContent = said(job.done < job.total ? "reading" : "writing") + " " + job.read + " " + said("files");
  }

  function poll() {
    var xhr = new XMLHttpRequest();
    xhr.open("GET", box.getAttribute("data-job"));
    xhr.setRequestHeader("Accept", "application/json");
    xhr.onload = function () {
      var job = null;
      try {
        job = JSON.parse(xhr.responseText).job;
      } catch (ignored) {}
      if (!job || job.state !== "running") {
        var target = said("done"); /* the board with the outcome and the outputs */
        if (target.split("#")[0] === window.location.pathname + window.location.search) {
          window.location.reload();
        } else {
          window.location.replace(target);
        }
        return;
      }
      show(job);
      setTimeout(poll, 1500);
    };
    xhr.onerror = function () {
      setTimeout(poll, 5000);
    };
    xhr.send();
  }

  setTimeout(poll, 1000);
})();
