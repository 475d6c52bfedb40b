/* Live feedback results (pages/feedback_results.py), a progressive enhancement: without this
   script the page shows the figures of the moment it was loaded and a reload brings new ones.
   With it, every data-refresh-seconds (while the tab is visible) the same address is fetched
   with ?live=1 (the page without comments, so a refresh shows and audits none) and every
   [data-live-region] is replaced by its new version; the time stamp says when. Focus stays
   where it was unless it was inside a replaced region. */
(function () {
  "use strict";
  var status = document.querySelector("[data-live-status]");
  if (!status || !window.fetch || !window.DOMParser) {
    return;
  }
  var seconds = Number(status.getAttribute("data-refresh-seconds")) || 30;
  var note = status.querySelector("[data-live-note]");
  if (note) {
    note.hidden = false;
  }
  function liveAddress() {
    var url = new URL(window.location.href);
    url.searchParams.set("live", "1");
    return url.toString();
  }
  function refresh() {
    if (document.visibilityState !== "visible") {
      return;
    }
    window.fetch(liveAddress(), { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok || response.redirected) {
          throw new Error("not refreshed");
        }
        return response.text();
      })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        document.querySelectorAll("[data-live-region]").forEach(function (region) {
          var replacement = region.id ? fresh.getElementById(region.id) : null;
          if (replacement && !region.contains(document.activeElement)) {
            region.innerHTML = replacement.innerHTML;
          }
        });
        var freshStatus = fresh.querySelector("[data-live-status]");
        if (freshStatus && freshStatus.firstChild && status.firstChild) {
          status.firstChild.textContent = freshStatus.firstChild.textContent;
        }
      })
      .catch(function () { /* keep the figures shown; the next round tries again */ });
  }
  window.setInterval(refresh, seconds * 1000);
})();
