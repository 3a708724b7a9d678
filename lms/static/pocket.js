// Small enhancements, none needed to use the site: the service worker for reading offline, "Copy"
// buttons beside shared links, "Save to read offline" buttons, and the list of saved pages offline.
(function () {
  "use strict";
  var each = function (selector, fn) { Array.prototype.forEach.call(document.querySelectorAll(selector), fn); };

  if (navigator.clipboard) {
    each("[data-copy]", function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(button.getAttribute("data-copy")).then(function () {
          button.textContent = button.getAttribute("data-done");
        });
      });
    });
  }

  if (!("serviceWorker" in navigator) || !window.caches || !window.MessageChannel) { return; }
  var script = document.currentScript;
  navigator.serviceWorker.register(script ? script.getAttribute("data-worker") : "/sw.js");

  each("[data-save-offline]", function (button) {
    var status = button.parentNode.querySelector("[data-save-status]");
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.serviceWorker.ready.then(function (registration) {
        var channel = new MessageChannel();
        channel.port1.onmessage = function (event) {
          status.textContent = button.getAttribute(event.data.saved ? "data-done" : "data-failed");
        };
        registration.active.postMessage({ type: "save", urls: button.getAttribute("data-save-offline").split(" ") },
                                        [channel.port2]);
      });
    });
  });

  // Offline, the page that stands in for a missing one lists the pages this phone kept.
  var list = document.querySelector("[data-offline-list]");
  if (!list) { return; }
  caches.keys().then(function (names) {
    names.filter(function (name) { return name.indexOf("pages-") === 0; }).forEach(function (name) {
      caches.open(name).then(function (cache) {
        cache.keys().then(function (requests) {
          requests.forEach(function (request) {
            cache.match(request).then(function (response) { return response.text(); }).then(function (html) {
              var title = (/<title>([^<]*)<\/title>/.exec(html) || [null, request.url])[1];
              var item = document.createElement("li");
              var link = document.createElement("a");
              link.href = request.url;
              link.textContent = title.replace(/&amp;/g, "&").replace(/&#39;/g, "'").replace(/&quot;/g, '"');
              item.appendChild(link);
              list.appendChild(item);
              list.hidden = false;
            });
          });
        });
      });
    });
  });
}());
