/* tonghop: the form for typing a return (templates/entry.html). Progressive enhancement: without
   this script the form posts and the server answers with the page. With it:
   - every figure is kept on this phone (localStorage, one key per round, unit and sender, made by
     the server without the link's token) as it is typed, and restored when the page is opened
     again before the server confirmed a send, saying from when, with a button to discard it;
   - a moment after the officer stops typing, the server checks the figures (…/nhap/kiem-tra,
     JSON, which also keeps the draft): the figure as it will be counted under each input, the
     problems beside their fields and the summary come back rendered by the server. No reading of
     a number and no rule is done here;
   - "Lưu nháp" and "Gửi báo cáo" post without leaving the page; a send that fails keeps
     everything and says why (no network: "Gửi lại" once it is back); the local copy goes only
     once the server confirmed the send.
   Plain ES5, nothing from elsewhere; every text shown comes from the form's data-* attributes. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-entry]");
  if (!form || !window.XMLHttpRequest || !window.FormData || !window.JSON) {
    return;
  }
  var WAIT_MS = 600; /* the check runs this long after the last key */
  var prefix = said("prefix");
  var key = said("key");
  var target = form.getAttribute("action"); /* not form.action: the buttons are named "action" */
  var local = form.querySelector(".local");
  var summary = document.getElementById("tom-tat");
  var status = form.querySelector(".send-status");
  var sendButton = form.querySelector("button[value=gui]");
  var timer = null;
  var asked = 0; /* the number of the latest check asked: older answers are dropped */
  var behind = false; /* a check or a save failed for lack of network: checked again once online */
  var unsent = false; /* a send failed: once a check answers again, say the send can be tried again */
  var pressed = null;
  var storage = usable();

  function said(name) {
    return form.getAttribute("data-" + name) || "";
  }

  function usable() {
    try {
      window.localStorage.setItem(key + "-test", "1");
      window.localStorage.removeItem(key + "-test");
      return window.localStorage;
    } catch (ignored) {
      return null; /* private browsing, storage full or refused: the page still works */
    }
  }

  /* the fields kept on the phone: the figures and the office's note of their source */
  function fields() {
    var list = [];
    for (var i = 0; i < form.elements.length; i++) {
      var el = form.elements[i];
      if (el.name && (el.name.indexOf(prefix) === 0 || el.name === "nguon")) {
        list.push(el);
      }
    }
    return list;
  }

  function values() {
    var out = {};
    fields().forEach(function (el) {
      out[el.name] = el.value;
    });
    return out;
  }

  function keep() {
    if (storage) {
      try {
        storage.setItem(key, JSON.stringify({ at: Date.now(), since: said("since"), values: values() }));
      } catch (ignored) {}
    }
  }

  function forget() {
    if (storage) {
      storage.removeItem(key);
    }
  }

  function two(n) {
    return (n < 10 ? "0" : "") + n;
  }

  /* "20:31 7/12", the phone's own clock */
  function when(ms) {
    var d = new Date(ms);
    return two(d.getHours()) + ":" + two(d.getMinutes()) + " " + d.getDate() + "/" + (d.getMonth() + 1);
  }

  /* Why the server refused: its own words, but for a link that no longer works (the office
     issued a new one while this page was open): then that the figures stay on this phone. */
  function refused(code, message) {
    if (code === 404 && said("gone")) {
      return said("gone");
    }
    return message || said("failed").replace("{status}", code);
  }

  function tell(text, bad) {
    status.hidden = !text;
    status.textContent = text;
    status.className = "send-status" + (bad ? " bad" : "");
  }

  /* What the phone kept from before: put back when it differs from what the server gave, unless
     a return in use came after the page it was typed on was opened (uploaded from a computer,
     typed in by the office, or this phone's own send whose answer was lost): then the page starts
     from that return and the copy, no longer current, goes. The server's times are compared with
     the server's (``since``), never with the phone's clock, which may be days off. */
  function restore() {
    var kept = null;
    try {
      kept = storage && JSON.parse(storage.getItem(key) || "null");
    } catch (ignored) {}
    if (!kept || !kept.values) {
      return false;
    }
    if (kept.since !== said("since")) {
      forget();
      return false;
    }
    var now = values();
    var differs = Object.keys(kept.values).some(function (name) {
      return name in now && now[name] !== kept.values[name];
    });
    if (!differs) {
      forget();
      return false;
    }
    fields().forEach(function (el) {
      if (el.name in kept.values) {
        el.value = kept.values[el.name];
      }
    });
    local.hidden = false;
    local.textContent = said("restored").replace("{time}", when(kept.at)) + " ";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "small";
    discard.textContent = said("discard");
    discard.addEventListener("click", function () {
      fields().forEach(function (el) {
        el.value = el.defaultValue;
      });
      forget();
      local.hidden = true;
      check();
    });
    local.appendChild(discard);
    return true;
  }

  function body(action) {
    var data = new FormData(form);
    if (data.delete) {
      data.delete("action");
    }
    if (action) {
      data.append("action", action);
    }
    return data;
  }

  function post(url, action, done, failed) {
    var xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Accept", "application/json");
    xhr.onload = function () {
      var answer = null;
      try {
        answer = JSON.parse(xhr.responseText);
      } catch (ignored) {}
      if (xhr.status >= 200 && xhr.status < 300 && answer) {
        done(answer);
      } else {
        failed(xhr.status, answer && answer.message);
      }
    };
    xhr.onerror = function () {
      failed(0, "");
    };
    /* a connection that stalls (3G in a dead zone) neither answers nor fails: give up after a
       while and say so, as for a network gone (a send repeated is answered as the first) */
    xhr.timeout = Number(said("patience")) || 60000;
    xhr.ontimeout = xhr.onerror;
    xhr.send(body(action));
  }

  /* The server's check, put on the page: readings, the notes beside each field, the summary. */
  function show(answer) {
    put(summary, answer.summary || "");
    var readings = answer.readings || {};
    var beside = answer.beside || {};
    var wrong = {};
    (answer.findings || []).forEach(function (f) {
      if (f.severity === "error") {
        (f.codes || []).forEach(function (code) {
          wrong[code] = true;
        });
      }
    });
    var boxes = form.querySelectorAll(".field[data-code]");
    for (var i = 0; i < boxes.length; i++) {
      var code = boxes[i].getAttribute("data-code");
      var reading = boxes[i].querySelector("output.reading");
      if (reading) {
        reading.textContent = readings[code] && readings[code].shown ? "= " + readings[code].shown : "";
      }
      mark(boxes[i], beside[code] || "", wrong[code]);
    }
  }

  /* A live region's content, touched only when it changed: a screen reader says again whatever
     is rewritten (every field's problem, the summary) after each check. */
  function put(region, html) {
    if (region.getAttribute("data-shown") !== html && region.innerHTML !== html) {
      region.innerHTML = html;
    }
    region.setAttribute("data-shown", html);
  }

  /* One field's notes and state. */
  function mark(box, notesHtml, bad) {
    var input = box.querySelector("input, textarea");
    put(box.querySelector(".notes"), notesHtml);
    box.className = "field" + (box.className.indexOf("part") >= 0 ? " part" : "") + (bad ? " has-error" : "");
    if (bad) {
      input.setAttribute("aria-invalid", "true");
    } else {
      input.removeAttribute("aria-invalid");
    }
  }

  function check() {
    clearTimeout(timer);
    timer = null;
    var mine = ++asked;
    post(
      said("check"),
      "",
      function (answer) {
        if (mine !== asked) {
          return;
        }
        show(answer);
        if (unsent) {
          tell(said("online"), false);
        } else if (behind) {
          tell("", false);
        }
        behind = false;
      },
      function (code, message) {
        if (mine !== asked) {
          return;
        }
        behind = code === 0;
        tell(code === 0 ? said("waiting") : refused(code, message), true);
      }
    );
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(check, WAIT_MS);
  }

  function save() {
    tell("", false);
    post(
      target,
      "luu",
      function (answer) {
        show(answer);
        tell(answer.saved || "", false);
      },
      function (code, message) {
        behind = behind || code === 0;
        tell(code === 0 ? said("waiting") : refused(code, message), true);
      }
    );
  }

  function send() {
    var source = form.elements.nguon;
    if (source && !source.value.trim()) {
      tell(said("source-missing"), true);
      source.focus();
      return;
    }
    keep();
    sendButton.disabled = true;
    tell(said("sending"), false);
    post(
      target,
      "gui",
      function (answer) {
        unsent = false;
        forget(); /* the server has it: the copy on the phone is no longer needed */
        window.location.href = answer.next;
      },
      function (code, message) {
        sendButton.disabled = false;
        sendButton.textContent = said("again");
        unsent = true;
        behind = behind || code === 0;
        tell(code === 0 ? said("offline") : refused(code, message), true);
      }
    );
  }

  form.addEventListener("input", function (event) {
    if (event.target.name && (event.target.name.indexOf(prefix) === 0 || event.target.name === "nguon")) {
      var box = event.target.parentNode;
      var reading = box && box.querySelector("output.reading");
      if (reading) {
        reading.textContent = ""; /* it read the text before: the next check says how this one reads */
      }
      keep();
      later();
    }
  });
  /* The keypad's "next" (Enter) goes to the next figure, never sends the form by itself. */
  form.addEventListener("keydown", function (event) {
    var el = event.target;
    if (event.key !== "Enter" || el.tagName !== "INPUT" || el.name.indexOf(prefix) !== 0) {
      return;
    }
    event.preventDefault();
    var list = fields().filter(function (f) {
      return f.name !== "nguon";
    });
    var next = list[list.indexOf(el) + 1];
    (next || sendButton).focus();
  });
  form.addEventListener("click", function (event) {
    if (event.target.name === "action") {
      pressed = event.target.value;
    }
  });
  form.addEventListener("submit", function (event) {
    var action = (event.submitter && event.submitter.value) || pressed || "luu";
    event.preventDefault();
    if (action === "gui") {
      send();
    } else {
      save();
    }
  });
  window.addEventListener("online", function () {
    if (behind) {
      check();
    }
  });
  if (restore()) {
    check();
  }
})();
