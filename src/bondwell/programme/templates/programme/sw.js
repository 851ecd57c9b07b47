/* Bondwell's service worker (rendered by bondwell.programme.offline). It keeps the routine, the guided session
   and their files for use without a connection. It never keeps or serves a questionnaire: without a connection
   those pages show the offline page, which says why. Version {{ version }}. */
"use strict";
var CACHE = "bondwell-{{ version }}";
var PAGES = {{ pages|safe }};
var STATIC_FILES = {{ static_files|safe }};
var STATIC_PREFIX = {{ static_prefix|safe }};
var OFFLINE = {{ offline|safe }};
var GUIDED_CHECK = {{ guided_check|safe }};
var GUIDED_OFFLINE = {{ guided_offline|safe }};

function keep(cache, url) {
  return fetch(url, { credentials: "same-origin", redirect: "follow" }).then(function (response) {
    // A page that sent her to sign in is not the page: keep only real answers.
    if (response.ok && !response.redirected) { return cache.put(url, response); }
  }).catch(function () { /* kept next time she is online */ });
}

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(STATIC_FILES.concat(PAGES).map(function (url) { return keep(cache, url); }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k.indexOf("bondwell-") === 0 && k !== CACHE; })
      .map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener("message", function (event) {
  if (event.data === "refresh") { event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(PAGES.map(function (url) { return keep(cache, url); }));
  })); }
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.method === "POST" && url.pathname === GUIDED_CHECK) {
    // The safety check cannot reach the server: the kept guided session applies the same rules to her answers.
    event.respondWith(fetch(request.clone()).catch(function () {
      return request.formData().then(function (data) {
        var query = new URLSearchParams();
        data.forEach(function (value, key) { if (key !== "csrfmiddlewaretoken") { query.append(key, value); } });
        return Response.redirect(GUIDED_OFFLINE + "?" + query.toString(), 303);
      });
    }));
    return;
  }
  if (request.method !== "GET") { return; }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).then(function (response) {
      if (response.ok && !response.redirected && PAGES.indexOf(url.pathname) !== -1) {
        var copy = response.clone();
        caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
      }
      return response;
    }).catch(function () {
      var kept = PAGES.indexOf(url.pathname) !== -1 ? caches.match(url.pathname) : Promise.resolve(undefined);
      return kept.then(function (hit) { return hit || caches.match(OFFLINE); });
    }));
    return;
  }
  if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
  }
});
