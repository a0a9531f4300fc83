// The attendance list (templates/events/attendance.html) on a phone at the door: a tap shows at once
// and is sent in the background. A tick is never lost: it is written to localStorage before it is
// sent, and leaves it only when the server has acknowledged it (or refused it for good); until then
// it is sent again, on a timer, when the phone is back online and when the page is opened again.
//
// Each tick carries an absolute state (present, absent, unmarked) and a version, the moment of the
// tap: the server ignores a tick no newer than the one it holds (inspira/events/attendance.py), so
// sending one twice, or an older one arriving after a newer one, does no harm.
(function () {
  "use strict";
  var list = document.getElementById("attendance-list");
  var status = document.getElementById("attendance-status");
  if (!list || !status || !window.fetch || !window.FormData) {
    return; // the forms work as they are, one page load per tick
  }
  var storageKey = list.dataset.storageKey;
  var memory = {}; // used when the browser refuses localStorage (private mode): ticks survive until the page closes
  var sending = false;
  var retryTimer = null;
  var retryDelay = 1000;
  var lastVersion = 0;

  function format(text, values) {
    return text.replace(/\{(\w+)\}/g, function (whole, name) {
      return values[name] !== undefined ? values[name] : whole;
    });
  }

  function load() {
    try {
      var stored = window.localStorage.getItem(storageKey);
      return stored ? JSON.parse(stored) : {};
    } catch (e) {
      return memory;
    }
  }

  function save(queue) {
    memory = queue;
    try {
      window.localStorage.setItem(storageKey, JSON.stringify(queue));
    } catch (e) { /* kept in memory */ }
  }

  function nextVersion(queue) {
    var version = Date.now();
    Object.keys(queue).forEach(function (id) {
      lastVersion = Math.max(lastVersion, queue[id].version);
    });
    if (version <= lastVersion) {
      version = lastVersion + 1;
    }
    lastVersion = version;
    return version;
  }

  function rowOf(id) {
    return document.getElementById("r" + id);
  }

  function show(row, state, count) {
    row.dataset.state = state;
    var unmarked = row.querySelector(".attendance-unmarked");
    var marked = row.querySelector(".attendance-marked");
    unmarked.hidden = state !== "unmarked";
    marked.hidden = state === "unmarked";
    var text = "";
    if (row.dataset.group) {
      text = format(list.dataset.textGroup, {came: state === "present" ? count : 0, total: row.dataset.participants});
    } else if (state === "present") {
      text = "✓ " + list.dataset.textPresent;
    } else if (state === "absent") {
      text = list.dataset.textAbsent;
    }
    row.querySelector(".attendance-state-text").textContent = text;
  }

  function setPending(row, pending) {
    row.querySelector(".attendance-pending").hidden = !pending;
  }

  function say(text) {
    if (status.textContent !== text) {
      status.textContent = text;
    }
  }

  function sayWaiting(queue) {
    say(format(list.dataset.statusWaiting, {n: Object.keys(queue).length}));
  }

  function showCounts(counts) {
    Object.keys(counts).forEach(function (name) {
      var cell = document.querySelector("#attendance-counts [data-count='" + name + "']");
      if (cell) {
        cell.textContent = counts[name];
      }
    });
  }

  function csrfToken() {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }

  function retryLater(maxDelay) {
    clearTimeout(retryTimer);
    retryTimer = setTimeout(flush, retryDelay);
    retryDelay = Math.min(retryDelay * 2, maxDelay || 30000);
  }

  // Drop the tick from the queue, unless a newer tap of the same row has replaced it meanwhile.
  function forget(id, version) {
    var queue = load();
    if (queue[id] && queue[id].version === version) {
      delete queue[id];
      save(queue);
      return true;
    }
    return false;
  }

  function send(id, tick) {
    var body = new FormData();
    body.append("csrfmiddlewaretoken", csrfToken());
    body.append("state", tick.state);
    body.append("count", tick.count);
    body.append("version", String(tick.version));
    var controller = window.AbortController ? new AbortController() : null;
    var timeout = controller ? setTimeout(function () { controller.abort(); }, 15000) : null;
    return fetch(tick.url, {
      method: "POST", body: body, credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": csrfToken()},
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      clearTimeout(timeout);
      var isJson = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (!isJson || response.status === 403) {
        // Logged out (the login page came back) or the session's CSRF token changed: keep the tick.
        return {kind: "login"};
      }
      return response.json().then(function (data) {
        if (response.ok) {
          return {kind: "ok", data: data};
        }
        if (response.status === 400 || response.status === 404 || response.status === 409) {
          return {kind: "refused", data: data};
        }
        return {kind: "retry"};
      });
    }, function () {
      clearTimeout(timeout);
      return {kind: "retry"};
    });
  }

  function flush() {
    if (sending) {
      return;
    }
    clearTimeout(retryTimer);
    var queue = load();
    var ids = Object.keys(queue);
    if (!ids.length) {
      say(list.dataset.statusSaved);
      retryDelay = 1000;
      return;
    }
    var id = ids[0];
    var tick = queue[id];
    sending = true;
    if (!status.textContent || status.textContent === list.dataset.statusSaved) {
      say(list.dataset.statusSending);
    }
    send(id, tick).then(function (result) {
      sending = false;
      var row = rowOf(id);
      if (result.kind === "ok" || result.kind === "refused") {
        var current = forget(id, tick.version);
        if (row && current && result.data.state) {
          // What the server holds: the tick itself, or a later one that won over it.
          show(row, result.data.state, result.data.count);
          setPending(row, false);
        }
        if (result.data.counts) {
          showCounts(result.data.counts);
        }
        if (result.kind === "refused") {
          say(format(list.dataset.statusRefused, {name: row ? row.dataset.name : "", error: result.data.error || ""}));
          if (row && current && !result.data.state) {
            setPending(row, false);
          }
          setTimeout(flush, 0);
          return;
        }
        retryDelay = 1000;
        flush();
      } else if (result.kind === "login") {
        say(list.dataset.statusLogin);
        retryLater(60000);
      } else {
        sayWaiting(load());
        retryLater();
      }
    });
  }

  list.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList.contains("attendance-form")) {
      return;
    }
    event.preventDefault();
    var row = form.closest(".attendance-row");
    var data = new FormData(form);
    var state = data.get("state");
    var count = data.get("count") === null ? "" : String(data.get("count"));
    var queue = load();
    queue[row.dataset.registration] = {url: form.action, state: state, count: count, version: nextVersion(queue)};
    save(queue);
    show(row, state, count === "" ? row.dataset.participants : Number(count));
    setPending(row, true);
    // The pressed button is now hidden: put the focus on what the row shows instead (undo, or the tap again).
    var next = row.querySelector(state === "unmarked" ? ".attendance-unmarked button" : ".attendance-marked button");
    if (next) {
      next.focus();
    }
    flush();
  });

  window.addEventListener("online", function () {
    retryDelay = 1000;
    flush();
  });

  // Ticks left from before (the page was closed or reloaded while offline): show them, then send them.
  var left = load();
  Object.keys(left).forEach(function (id) {
    var row = rowOf(id);
    if (row) {
      show(row, left[id].state, left[id].count === "" ? row.dataset.participants : Number(left[id].count));
      setPending(row, true);
    }
  });
  if (Object.keys(left).length) {
    flush();
  }
}());
