/* The waiting-room kiosk (pages/kiosk.py), a progressive enhancement: the page works without
   this script through its "New answer" button.
   - The thank-you screen returns to a fresh form after data-return-seconds.
   - A form someone started (a choice made, another language, an error shown) is cleared after
     data-idle-seconds without a touch, so the next customer never sees another's answers.
   - A second press of Send while the first is on its way is ignored (the server stores one
     answer per form in any case). */
(function () {
  "use strict";
  var screen = document.querySelector("[data-kiosk-home]");
  if (!screen) {
    return;
  }
  var home = screen.getAttribute("data-kiosk-home");
  function goHome() {
    window.location.replace(home);
  }
  var returnSeconds = Number(screen.getAttribute("data-return-seconds"));
  if (returnSeconds > 0) {
    window.setTimeout(goHome, returnSeconds * 1000);
    return;
  }
  var idleSeconds = Number(screen.getAttribute("data-idle-seconds")) || 60;
  var form = screen.querySelector("form");
  var timer = null;
  function started() {
    var here = window.location.pathname + window.location.search;
    return here !== home ||
      document.querySelector(".error-summary") !== null ||
      (form !== null && form.querySelector("input:checked") !== null);
  }
  function restart() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      if (started()) {
        goHome();
      } else {
        restart();
      }
    }, idleSeconds * 1000);
  }
  ["pointerdown", "keydown", "change", "input", "scroll"].forEach(function (name) {
    document.addEventListener(name, restart, { passive: true });
  });
  restart();
  if (form !== null) {
    form.addEventListener("submit", function (event) {
      if (form.getAttribute("data-sending") === "true") {
        event.preventDefault();
        return;
      }
      form.setAttribute("data-sending", "true");
      var button = form.querySelector("button[type='submit']");
      if (button !== null) {
        button.setAttribute("aria-disabled", "true");
      }
    });
  }
})();
