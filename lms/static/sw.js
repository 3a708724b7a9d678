// The service worker. It keeps the app shell (stylesheet, scripts, icons, the offline page) for
// everyone, and the pages the server marks X-Offline-Keep (lessons, session guides, the trainee's
// home) for the person who opened them. Every page says whose it is (X-Offline-Owner); a page of
// someone else, or of nobody after logging out, makes it delete every kept page first: phones are
// shared. Only GET requests pass through it, so drafts being sent always go to the network.
"use strict";
var VERSION = "__VERSION__";
var SHELL_URLS = "__SHELL__";
var OFFLINE_URL = "__OFFLINE__";
var SHELL = "shell-" + VERSION;
var PAGES = "pages-";

function startsWith(text, prefix) { return text.indexOf(prefix) === 0; }

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(SHELL).then(function (cache) {
    // Without cookies: the shell is the same for everybody and holds nobody's data.
    return cache.addAll(SHELL_URLS.map(function (url) { return new Request(url, { credentials: "omit" }); }));
  }).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return startsWith(name, "shell-") && name !== SHELL; })
      .map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

// Delete the pages kept for anyone but ``owner`` ("" is nobody: everything goes).
function forgetAllBut(owner) {
  return caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) { return startsWith(name, PAGES) && name !== PAGES + owner; })
      .map(function (name) { return caches.delete(name); }));
  });
}

function keep(url, response) {
  var owner = response.headers.get("X-Offline-Owner");
  if (owner === null) { return Promise.resolve(); }  // not a page of ours (or a redirect, which hides it)
  return forgetAllBut(owner).then(function () {
    if (!owner || response.status !== 200 || response.headers.get("X-Offline-Keep") !== "1") { return undefined; }
    var copy = response.clone();
    return caches.open(PAGES + owner).then(function (cache) { return cache.put(url, copy); });
  });
}

function fromNetwork(request) {
  return fetch(request).then(function (response) {
    var done = function () { return response; };
    return keep(request.url, response).then(done, done);
  });
}

function fromKept(request) {
  return caches.keys().then(function (names) {
    var kept = names.filter(function (name) { return startsWith(name, PAGES); });
    return kept.length ? caches.open(kept[0]).then(function (cache) { return cache.match(request.url); }) : undefined;
  }).then(function (page) { return page || caches.match(OFFLINE_URL); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate") {
    event.respondWith(fromNetwork(request).catch(function () { return fromKept(request); }));
  } else if (startsWith(url.pathname, "/static/") || url.pathname === "/favicon.ico") {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
  }
});

// "Save to read offline": fetch the pages now and keep them. The header tells the server that this
// is not a reading (a lesson fetched this way does not count as opened).
self.addEventListener("message", function (event) {
  var data = event.data || {};
  var port = event.ports && event.ports[0];
  if (data.type !== "save" || !Array.isArray(data.urls)) { return; }
  var urls = data.urls.map(function (u) { return new URL(u, self.location.href); })
    .filter(function (u) { return u.origin === self.location.origin; });
  event.waitUntil(Promise.all(urls.map(function (u) {
    return fetch(new Request(u.href, { credentials: "same-origin", headers: { "X-Offline-Save": "1" } }))
      .then(function (response) { return keep(u.href, response); });
  })).then(function () { if (port) { port.postMessage({ saved: true }); } },
           function () { if (port) { port.postMessage({ saved: false }); } }));
});
