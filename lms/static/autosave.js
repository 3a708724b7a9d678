// Keeps a quiz or reflection safe on a phone whose connection comes and goes. Without
// JavaScript the two buttons post the form as usual; this only adds what a dropped
// connection needs:
// - a copy of the answers in the browser, forgotten only once the server has confirmed
//   a save or a submit that holds exactly those answers;
// - "Send" held while offline, with a notice at the top of the page (the words come
//   translated from the page itself), instead of the browser's error page;
// - on the next visit, answers the server never got are put back, and the notice says so.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData || !window.JSON) { return; }
  var key = "lms-draft-" + form.getAttribute("data-autosave");
  var status = form.querySelector(".autosave-status");
  var notice = document.getElementById("offline-notice");
  var words = status ? status.dataset : {};
  var timer = null;
  var native = false; // the next submit goes to the server as a plain form post
  // Once the page is being left (a reload, a link), it keeps its copy whatever a save answers: the next
  // page may have been drawn before that save reached the server, and would otherwise show the older text.
  var leaving = false;

  function say(message) { if (status && message) { status.textContent = message; } }

  function tell(message) {
    if (!notice || !message) { return; }
    notice.textContent = message;
    notice.hidden = false;
    notice.focus();
    window.scrollTo(0, 0);
  }

  function snapshot() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || !el.id || el.type === "hidden" || el.type === "submit") { return; }
      data[el.id] = (el.type === "radio" || el.type === "checkbox") ? el.checked : el.value;
    });
    return JSON.stringify(data);
  }

  function kept() {
    try { return window.localStorage.getItem(key); } catch (e) { return null; }
  }

  function keep(copy) {
    try { window.localStorage.setItem(key, copy); } catch (e) { /* storage full or off */ }
  }

  // Forget the copy only if it is what the server confirmed: typing may have gone on meanwhile.
  function forget(confirmed) {
    if (!leaving && kept() === confirmed) {
      try { window.localStorage.removeItem(key); } catch (e) { /* ignore */ }
    }
  }

  function post(action) {
    var body = new FormData(form);
    body.set("action", action);
    // Not form.action: the buttons are named "action", and form.action would be them.
    return fetch(form.getAttribute("action") || window.location.href, {
      method: "POST", body: body, credentials: "same-origin", headers: { "Accept": "application/json" }
    });
  }

  function answer(response) {
    var type = response.headers.get("Content-Type") || "";
    if (type.indexOf("application/json") === -1) { throw new Error("not json"); }
    return response.json().then(function (data) { data.ok = response.ok; return data; });
  }

  function save() {
    var copy = snapshot();
    keep(copy);
    say(words.saving);
    post("save").then(answer).then(function (data) {
      if (!data.ok || !data.saved) { throw new Error("not saved"); }
      forget(copy);
      say(words.saved);
    }).catch(function () { say(navigator.onLine === false ? words.offline : words.unsaved); });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 1500);
  }

  function hold() {
    say(words.offline);
    tell(words.held);
  }

  function resubmit(submitter) {
    submitter.disabled = false;
    native = true;
    if (form.requestSubmit) { form.requestSubmit(submitter); } else { submitter.click(); }
  }

  function send(submitter) {
    var copy = snapshot();
    keep(copy);
    window.clearTimeout(timer);
    if (navigator.onLine === false) { hold(); return; }
    submitter.disabled = true;
    post("submit").then(function (response) {
      return answer(response).then(function (data) {
        if (data.ok && data.next) {
          forget(copy);
          window.location.assign(data.next);
          return;
        }
        // Refused (an answer missing, a text too long): let the server show its page with the reasons.
        resubmit(submitter);
      }, function () { resubmit(submitter); });
    }, function () {
      submitter.disabled = false;
      hold();
    });
  }

  function restore() {
    var copy = kept();
    if (!copy || copy === snapshot()) { return; }
    var stored;
    try { stored = JSON.parse(copy); } catch (e) { return; }
    Object.keys(stored).forEach(function (id) {
      var el = document.getElementById(id);
      if (!el || el.form !== form) { return; }
      if (el.type === "radio" || el.type === "checkbox") { el.checked = stored[id]; } else { el.value = stored[id]; }
      el.dispatchEvent(new Event("input", { bubbles: true })); // the word count, and a save to the server
    });
    tell(words.restored);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("submit", function (event) {
    var submitter = event.submitter;
    if (native || !submitter) { native = false; return; } // an old browser: the plain post still works
    event.preventDefault();
    if (submitter && submitter.value === "submit") { send(submitter); } else { save(); }
  });
  window.addEventListener("beforeunload", function () { leaving = true; });
  window.addEventListener("offline", function () { say(words.offline); });
  window.addEventListener("online", function () {
    if (kept()) {
      save();
      if (notice && !notice.hidden) { tell(words.back); }
    }
  });
  restore();
}());

// The reflection's word count, kept up to date as the trainee writes (the page shows it once without JS).
(function () {
  "use strict";
  var count = document.getElementById("text-count");
  var text = document.getElementById("text");
  if (!count || !text) { return; }
  var word;
  try { // the same rule as the server's word_count: runs of letters or digits
    word = new RegExp("[\\p{L}\\p{N}]+(?:['\u2019-][\\p{L}\\p{N}]+)*", "gu");
  } catch (e) { word = /[^\s\u2014\u2013*_#>`~.,;:!?¡¿()"«»“”\[\]]+/g; }
  function update() {
    var n = (text.value.match(word) || []).length;
    var format = n > 0 && n < Number(count.dataset.low) ? count.dataset.short : (n === 1 ? count.dataset.one : count.dataset.many);
    count.textContent = format.replace("{n}", String(n));
  }
  text.addEventListener("input", update);
  update();
}());
