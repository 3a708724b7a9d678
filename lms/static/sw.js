// The service worker. It keeps the app shell (stylesheet, scripts, icons, the offline page) for
// everyone, and the pages the server marks X-Offline-Keep (lessons, session guides, the trainee's
// home) for the person who opened them. Every page says whose it is (X-Offline-Owner); a page of
// someone else, or of nobody after logging out, makes it delete every kept page first: phones are
// shared. Only GET requests pass through it, so drafts being sent always go to the network.
// Arrow functions and async: every browser with service workers reads them. Served without comments.
"use strict";
const SHELL = "shell-" + "__VERSION__", PAGES = "pages-", ME = self.location.origin;
const kept = async () => (await caches.keys()).filter((name) => name.startsWith(PAGES));

self.addEventListener("install", (event) => event.waitUntil(caches.open(SHELL)
  // Without cookies: the shell is the same for everybody and holds nobody's data.
  .then((cache) => cache.addAll("__SHELL__".map((url) => new Request(url, { credentials: "omit" }))))
  .then(() => self.skipWaiting())));

self.addEventListener("activate", (event) => event.waitUntil(caches.keys()
  .then((names) => Promise.all(names.filter((n) => n.startsWith("shell-") && n !== SHELL).map((n) => caches.delete(n))))
  .then(() => self.clients.claim())));

// Forget the pages kept for anyone but this page's owner, then keep this page if it may be kept.
// A redirect hides its headers (owner null): it changes nothing.
async function keep(url, response) {
  const owner = response.headers.get("X-Offline-Owner");
  if (owner === null) { return; }
  for (const name of await kept()) { if (name !== PAGES + owner) { await caches.delete(name); } }
  if (owner && response.status === 200 && response.headers.get("X-Offline-Keep")) {
    await (await caches.open(PAGES + owner)).put(url, response.clone());
  }
}

async function navigate(request) {
  try {
    const response = await fetch(request);
    await keep(request.url, response).catch(() => 0);
    return response;
  } catch (offline) {
    const [name] = await kept();
    return (name && await (await caches.open(name)).match(request.url)) || caches.match("__OFFLINE__");
  }
}

self.addEventListener("fetch", (event) => {
  const request = event.request, url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== ME) { return; }
  if (request.mode === "navigate") {
    event.respondWith(navigate(request));
  } else if (url.pathname.startsWith("/static/") || url.pathname === "/favicon.ico") {
    event.respondWith(caches.match(request).then((hit) => hit || fetch(request)));
  }
});

// "Save to read offline": fetch the pages now and keep them. The header tells the server that this
// is not a reading (a lesson fetched this way does not count as opened).
self.addEventListener("message", (event) => {
  const { urls } = event.data || {}, port = event.ports[0], reply = (saved) => port && port.postMessage({ saved });
  if (!Array.isArray(urls)) { return; }
  event.waitUntil(Promise.all(urls.map((u) => new URL(u, ME)).filter((u) => u.origin === ME)
    .map(async (u) => keep(u.href, await fetch(u.href, { headers: { "X-Offline-Save": "1" } }))))
    .then(() => reply(true), () => reply(false)));
});
