// Enhancements only: the offline worker (/sw.js, scope: every page), Copy and Save buttons.
(function () {
  "use strict";
  var d = document, n = navigator;
  function each(s, f) { Array.prototype.forEach.call(d.querySelectorAll(s), function (b) { b.hidden = false; b.onclick = function () { f(b); }; }); }
  if (n.clipboard) { each("[data-copy]", function (b) { n.clipboard.writeText(b.dataset.copy).then(function () { b.textContent = b.dataset.done; }); }); }
  if (!n.serviceWorker || !window.caches) { return; }
  n.serviceWorker.register("/sw.js");
  each("[data-save-offline]", function (b) {
    n.serviceWorker.ready.then(function (r) {
      var c = new MessageChannel();
      c.port1.onmessage = function (e) { b.nextElementSibling.textContent = e.data.saved ? b.dataset.done : b.dataset.failed; };
      r.active.postMessage({ urls: b.dataset.saveOffline.split(" ") }, [c.port2]);
    });
  });
}());
