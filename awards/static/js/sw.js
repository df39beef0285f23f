// Service worker: keeps the last copy of each scoring page and its assets, so that a judge can
// reload the page while offline; the draft itself lives in localStorage (scorecard.js).
var CACHE = "tuzo-judging-v1";
self.addEventListener("install", function (event) { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });
self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var scoringPage = /^\/judging\/assignments\/\d+$/.test(url.pathname);
  var asset = url.pathname.indexOf("/static/") === 0;
  if (!scoringPage && !asset) return;
  // Network first, so judges always see the newest version when online; the cache when not.
  event.respondWith(fetch(request).then(function (response) {
    if (response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }).catch(function () {
    return caches.match(request).then(function (hit) { return hit || Response.error(); });
  }));
});
