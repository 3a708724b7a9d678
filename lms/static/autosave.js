// Saves a quiz or reflection draft while the trainee types. Without JavaScript the
// "Save draft" button does the same; this only spares the tap and survives a dropped
// connection by keeping a copy in the browser until the server has it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave]");
  if (!form || !window.fetch || !window.FormData) { return; }
  var key = "lms-draft-" + form.getAttribute("data-autosave");
  var status = form.querySelector(".autosave-status");
  var timer = null;
  var lang = document.documentElement.lang;
  var text = {
    saving: lang === "en" ? "Saving…" : "Guardando…",
    saved: lang === "en" ? "Draft saved." : "Borrador guardado.",
    offline: lang === "en" ? "No connection: your answers are kept on this phone and will be saved when you are back online." :
      "Sin conexión: tus respuestas se guardan en este celular y se enviarán cuando vuelvas a tener internet.",
    restored: lang === "en" ? "We restored answers that had not reached the server yet." :
      "Recuperamos respuestas que aún no habían llegado al servidor."
  };

  function say(message) { if (status) { status.textContent = message; } }

  function snapshot() {
    var data = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "hidden" || el.type === "submit") { return; }
      if (el.type === "radio" || el.type === "checkbox") {
        data[el.id] = el.checked;
      } else {
        data[el.id] = el.value;
      }
    });
    return data;
  }

  function restore() {
    var stored;
    try { stored = JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { stored = null; }
    if (!stored) { return; }
    Object.keys(stored).forEach(function (id) {
      var el = document.getElementById(id);
      if (!el) { return; }
      if (el.type === "radio" || el.type === "checkbox") { el.checked = stored[id]; } else { el.value = stored[id]; }
    });
    say(text.restored);
    schedule();
  }

  function save() {
    var body = new FormData(form);
    body.set("action", "save");
    try { window.localStorage.setItem(key, JSON.stringify(snapshot())); } catch (e) { /* storage full or off */ }
    say(text.saving);
    // Not form.action: the submit buttons are named "action", and form.action would be them.
    fetch(form.getAttribute("action") || window.location.href, { method: "POST", body: body, headers: { "Accept": "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        try { window.localStorage.removeItem(key); } catch (e) { /* ignore */ }
        say(text.saved);
      })
      .catch(function () { say(text.offline); });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, 1500);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
  form.addEventListener("submit", function () { try { window.localStorage.removeItem(key); } catch (e) { /* ignore */ } });
  window.addEventListener("online", function () { if (window.localStorage.getItem(key)) { save(); } });
  restore();
}());
