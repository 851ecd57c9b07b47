/* On a mother's pages: installs the service worker (the routine and the guided massage then work without a
   connection), sends practice sessions saved on this phone while offline once she is online again (each with
   its token, so a resend never saves twice), and says so when a page is shown without a connection. */
(function () {
  "use strict";
  var body = document.body;
  var QUEUE = "bondwell-practice-queue";
  var logUrl = body.getAttribute("data-practice-log");
  var sending = false;

  if ("serviceWorker" in navigator && body.getAttribute("data-service-worker")) {
    navigator.serviceWorker.register(body.getAttribute("data-service-worker"), { scope: "/" }).catch(function () {});
  }
  function csrf() {
    try { return JSON.parse(body.getAttribute("hx-headers") || "{}")["X-CSRFToken"] || ""; } catch (e) { return ""; }
  }
  function waiting() {
    try { return JSON.parse(localStorage.getItem(QUEUE) || "{}"); } catch (e) { return {}; }
  }
  function forget(token) {
    var left = waiting();
    delete left[token];
    localStorage.setItem(QUEUE, JSON.stringify(left));
  }
  function flush() {
    if (sending || !logUrl || navigator.onLine === false) { return; }
    var tokens = Object.keys(waiting());
    if (!tokens.length) { return; }
    sending = true;
    var added = 0;
    var chain = tokens.reduce(function (previous, token) {
      return previous.then(function () {
        var item = waiting()[token];
        if (!item) { return null; }
        return fetch(logUrl, {
          method: "POST", credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": csrf() }, body: JSON.stringify(item)
        }).then(function (response) {
          if (response.status === 201) { added += 1; }
          // Saved now or before (200), or refused for good (400): either way it leaves the phone.
          if (response.ok || response.status === 400) { forget(token); }
        });
      });
    }, Promise.resolve());
    chain.catch(function () { /* still offline: next time */ }).then(function () {
      sending = false;
      var notice = document.querySelector("[data-queue-sent]");
      if (added && notice) { notice.hidden = false; }
    });
  }
  window.addEventListener("online", flush);
  flush();

  var offlineNote = document.querySelector("[data-offline-note]");
  function showOffline() { if (offlineNote) { offlineNote.hidden = navigator.onLine !== false; } }
  window.addEventListener("online", showOffline);
  window.addEventListener("offline", showOffline);
  showOffline();

  // Signing out on a shared phone: the pages kept for offline use go too.
  document.querySelectorAll("form.signout").forEach(function (f) {
    f.addEventListener("submit", function () {
      if (window.caches) { caches.keys().then(function (keys) { keys.forEach(function (k) { caches.delete(k); }); }); }
    });
  });
})();
