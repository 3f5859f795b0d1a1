/* tonghop: drag and drop and upload progress for the forms marked data-upload.
   Progressive enhancement: without this script the forms post as usual. Plain ES5 (no
   frameworks, nothing from elsewhere), for phones and Zalo's in-app browser. Every text shown
   comes from the form's data-* attributes (Vietnamese, in the templates). */
(function () {
  "use strict";
  if (!window.FormData || !window.XMLHttpRequest || !document.querySelectorAll) {
    return;
  }

  function names(files) {
    var list = [];
    for (var i = 0; i < files.length; i++) {
      list.push(files[i].name);
    }
    return list.join(", ");
  }

  function fields(form, input, files) {
    var data = new FormData();
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      if (el.name && el !== input && el.type !== "submit" && el.type !== "button" && el.type !== "file") {
        data.append(el.name, el.value);
      }
    }
    for (var j = 0; j < files.length; j++) {
      data.append(input.name, files[j], files[j].name);
    }
    return data;
  }

  function errorText(xhr, fallback) {
    try {
      var page = new DOMParser().parseFromString(xhr.responseText, "text/html");
      var box = page.querySelector(".box.bad");
      if (box && box.textContent) {
        return box.textContent;
      }
    } catch (ignored) {}
    return fallback;
  }

  function enhance(form) {
    var input = form.querySelector("input[type=file]");
    var zone = form.querySelector(".drop");
    var label = form.querySelector(".chosen");
    var status = form.querySelector(".upload-status");
    var bar = status.querySelector("progress");
    var text = status.querySelector(".upload-text");
    var button = form.querySelector("button[type=submit]");
    var dropped = null;

    function said(name) {
      return form.getAttribute("data-" + name) || "";
    }

    function show(message, percent) {
      status.hidden = false;
      text.textContent = message;
      bar.hidden = percent === null;
      if (percent !== null) {
        bar.value = percent;
      }
    }

    /* the names chosen, beside the chooser's button; an earlier message goes */
    function chosen(files) {
      status.className = "upload-status";
      status.hidden = true;
      label.textContent = files.length ? said("chosen") + " " + names(files) : said("none");
    }

    function failed(message) {
      status.className = "upload-status bad";
      show(message, null);
      button.disabled = false;
    }

    function selected() {
      return dropped || input.files || [];
    }

    /* The browser's own check, with its message in Vietnamese (else the phone's language:
       "Please select a file."); the form is novalidate for browsers without this script. */
    function check() {
      input.setCustomValidity(input.required && !selected().length ? said("no-file") : "");
    }

    form.noValidate = false;
    chosen(selected()); /* a file the browser kept (back, reload) is named too */
    check();
    input.addEventListener("invalid", function () {
      failed(said("no-file")); /* said on the page too: the browser's bubble soon goes */
    });
    input.addEventListener("change", function () {
      dropped = null;
      chosen(input.files);
      check();
    });
    ["dragenter", "dragover"].forEach(function (kind) {
      zone.addEventListener(kind, function (event) {
        event.preventDefault();
        zone.className = "drop over";
      });
    });
    zone.addEventListener("dragleave", function () {
      zone.className = "drop";
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      zone.className = "drop";
      var files = event.dataTransfer && event.dataTransfer.files;
      if (!files || !files.length) {
        return;
      }
      /* several files dropped on a one-file form are all sent: the server refuses them saying why, never keeps one silently */
      dropped = files;
      try {
        input.files = files; /* the chooser shows the dropped file where the browser allows it */
      } catch (ignored) {}
      if (input.files !== files) {
        input.required = false; /* else the dropped file is sent instead of the chooser's (empty) one */
      }
      chosen(files);
      check();
    });

    form.addEventListener("submit", function (event) {
      var files = selected();
      if (!files.length) {
        return; /* the server answers a form without a file */
      }
      event.preventDefault();
      var limit = Number(said("max")) || 0;
      for (var k = 0; k < files.length; k++) {
        if (limit && files[k].size > limit) {
          failed(said("too-big") + " (" + files[k].name + ")");
          return;
        }
      }
      button.disabled = true;
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) {
          var percent = Math.round((100 * e.loaded) / e.total);
          show(said("sending") + " " + percent + "%", percent);
        }
      };
      xhr.upload.onload = function () {
        show(said("checking"), 100);
      };
      xhr.onload = function () {
        if (xhr.status >= 200 && xhr.status < 300 && xhr.responseURL) {
          window.location.href = xhr.responseURL + said("anchor"); /* the verdict's page, after the server's 303 */
        } else if (xhr.status >= 200 && xhr.status < 300) {
          window.location.href = form.action;
        } else {
          failed(errorText(xhr, said("failed")));
        }
      };
      xhr.onerror = function () {
        failed(said("failed"));
      };
      show(said("sending") + " 0%", 0);
      xhr.send(fields(form, input, files));
    });
  }

  var forms = document.querySelectorAll("form[data-upload]");
  for (var i = 0; i < forms.length; i++) {
    enhance(forms[i]);
  }

  /* A chooser outside an upload form (the dashboard's unit list): the names chosen, beside its button. */
  function named(chooser) {
    var input = chooser.querySelector("input[type=file]");
    var label = chooser.querySelector(".chosen");
    input.addEventListener("change", function () {
      var files = input.files || [];
      label.textContent = files.length ? label.getAttribute("data-chosen") + " " + names(files) : label.getAttribute("data-none");
    });
  }

  var choosers = document.querySelectorAll("label.chooser");
  for (var c = 0; c < choosers.length; c++) {
    if (!choosers[c].closest || !choosers[c].closest("form[data-upload]")) {
      named(choosers[c]);
    }
  }

    /* A form marked data-busy="text" (a long task, such as consolidating thousands of returns):
     once sent, its button says so and cannot be pressed again while the server works. */
  function busy(form) {
    form.addEventListener("submit", function () {
      var button = form.querySelector("button[type=submit]");
      if (button) {
        setTimeout(function () {
          button.disabled = true;
          button.textContent = form.getAttribute("data-busy");
        }, 0);
      }
    });
  }

  var long = document.querySelectorAll("form[data-busy]");
  for (var k = 0; k < long.length; k++) {
    busy(long[k]);
  }
})();
