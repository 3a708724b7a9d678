// On the page shown offline in place of one not kept: list the pages this phone kept, by their titles.
(function () {
  "use strict";
  var list = document.querySelector("[data-offline-list]");
  if (!list || !window.caches) { return; }
  caches.keys().then(function (names) {
    names.filter(function (name) { return name.indexOf("pages-") === 0; }).forEach(function (name) {
      caches.open(name).then(function (cache) {
        cache.keys().then(function (requests) {
          requests.forEach(function (request) {
            cache.match(request).then(function (response) { return response.text(); }).then(function (html) {
              var page = new DOMParser().parseFromString(html, "text/html");
              var item = document.createElement("li");
              var link = document.createElement("a");
              link.href = request.url;
              link.textContent = page.title || request.url;
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
