/* The live board (web/board_service.py, pages/board.py, pages/wall.py), a progressive
   enhancement: without this script the page shows the board of the moment it was loaded (a
   wall display without scripts reloads itself every minute instead).

   With it, the page listens to its Server-Sent Events stream (data-board-stream):
   - "board": new tiles, already rendered on the server in the page's language, replace the
     old ones tile by tile (a tile that did not change is left alone, so focus and a screen
     reader's place stay where they were); the time stamp says when the numbers were
     confirmed;
   - "heartbeat": nothing changed, the numbers are confirmed current at the time given;
   - "reload": the page itself changed on the server (an upgrade): load it again;
   - "gone": the display's link was revoked: load the page, which now says so.
   No message for data-stale-seconds shows the stale warning. EventSource reconnects by
   itself; when the browser gives up (an error answer such as 503) the script reconnects
   with a growing delay, and after repeated failures or a long silence it loads the whole
   page again, but only once the server answers, so a display never ends on a browser error
   page during an outage. */
(function () {
  "use strict";
  var root = document.querySelector("[data-board-stream]");
  if (!root || !window.EventSource || !window.JSON) {
    return;
  }
  var streamUrl = root.getAttribute("data-board-stream");
  var staleMs = (Number(root.getAttribute("data-stale-seconds")) || 60) * 1000;
  var reloadMs = (Number(root.getAttribute("data-reload-seconds")) || 300) * 1000;
  var maxFailures = Number(root.getAttribute("data-max-failures")) || 5;
  var tiles = document.getElementById("board-tiles");
  var updated = document.querySelector("[data-board-updated]");
  var staleNote = document.querySelector("[data-board-stale]");
  var source = null;
  var failures = 0;
  var lastMessage = Date.now();
  var retryTimer = null;
  var reloading = false;

  document.documentElement.setAttribute("data-board-live", "connecting");

  function setState(state) {
    document.documentElement.setAttribute("data-board-live", state);
  }

  function showStale(stale) {
    if (staleNote) {
      staleNote.hidden = !stale;
    }
    root.classList.toggle("board--stale", stale);
  }

  function setUpdated(data) {
    if (updated && data.updated) {
      updated.textContent = data.updated;
      if (data.updated_at) {
        updated.setAttribute("datetime", data.updated_at);
      }
    }
  }

  function received(data) {
    lastMessage = Date.now();
    failures = 0;
    setState("live");
    setUpdated(data);
    showStale(Boolean(data.stale));
  }

  /* Update each tile whose markup changed, in place (the element stays, so the alerts' live
     region is announced and focus elsewhere is kept); a tile holding the focus is updated
     when the focus leaves it. When the set of tiles itself changed, everything is replaced. */
  var pending = null;
  function replaceTiles(html) {
    if (!tiles) {
      return;
    }
    pending = null;
    var fresh = document.createElement("div");
    fresh.innerHTML = html;
    var freshTiles = fresh.querySelector("#board-tiles") || fresh;
    var ids = function (parent) {
      return Array.prototype.map.call(parent.children, function (child) { return child.id; });
    };
    if (ids(tiles).join(" ") !== ids(freshTiles).join(" ")) {
      if (tiles.contains(document.activeElement)) {
        pending = html;
      } else {
        tiles.innerHTML = freshTiles.innerHTML;
      }
      return;
    }
    Array.prototype.forEach.call(freshTiles.children, function (child) {
      var old = document.getElementById(child.id);
      if (!old || old.innerHTML === child.innerHTML) {
        return;
      }
      if (old.contains(document.activeElement)) {
        pending = html;
        return;
      }
      old.className = child.className;
      old.setAttribute("data-status", child.getAttribute("data-status") || "");
      old.innerHTML = child.innerHTML;
    });
  }
  document.addEventListener("focusout", function () {
    window.setTimeout(function () {
      if (pending !== null) {
        replaceTiles(pending);
      }
    }, 0);
  });

  function reloadWhenReachable() {
    if (reloading) {
      return;
    }
    reloading = true;
    window.fetch(window.location.href, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (response.status >= 500) {
          throw new Error("server not ready");
        }
        window.location.reload();
      })
      .catch(function () {
        reloading = false;
        scheduleReconnect();
      });
  }

  function scheduleReconnect() {
    window.clearTimeout(retryTimer);
    var delay = Math.min(30000, 1000 * Math.pow(2, Math.min(failures, 5)));
    retryTimer = window.setTimeout(connect, delay);
  }

  function connect() {
    if (source) {
      source.close();
    }
    source = new window.EventSource(streamUrl);
    source.addEventListener("board", function (event) {
      var data = JSON.parse(event.data);
      replaceTiles(data.html);
      received(data);
    });
    source.addEventListener("heartbeat", function (event) {
      received(JSON.parse(event.data));
    });
    source.addEventListener("reload", function () {
      source.close();
      reloadWhenReachable();
    });
    source.addEventListener("gone", function () {
      source.close();
      reloadWhenReachable();
    });
    source.onerror = function () {
      failures += 1;
      setState("reconnecting");
      if (failures >= maxFailures) {
        source.close();
        reloadWhenReachable();
      } else if (source.readyState === window.EventSource.CLOSED) {
        scheduleReconnect();
      }
      /* otherwise the browser reconnects by itself after the stream's retry delay */
    };
  }

  window.setInterval(function () {
    var quiet = Date.now() - lastMessage;
    if (quiet > staleMs) {
      showStale(true);
    }
    if (quiet > reloadMs) {
      lastMessage = Date.now();
      if (source) {
        source.close();
      }
      reloadWhenReachable();
    }
  }, 1000);

  connect();
})();
