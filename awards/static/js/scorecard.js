// Autosave for the scoring page: every change is kept in this browser first (localStorage),
// then sent to the server a few seconds later, on leaving a field, and when the network returns.
// A reload while offline restores the kept draft. The server refuses a stale version (409).
(function () {
  "use strict";
  var form = document.getElementById("scorecard");
  if (!form || !form.dataset.autosaveUrl) return;
  var state = document.getElementById("save-state");
  var key = form.dataset.draftKey;
  var versionField = form.querySelector("input[name=version]");
  var token = form.querySelector("input[name=csrf_token]").value;
  var timer = null, sending = false, wasOffline = false, heldSubmit = null;

  if ("serviceWorker" in navigator && window.caches) {
    navigator.serviceWorker.register("/sw.js").catch(function () {});
    // Keep this page and its assets now, so a reload works even if the network drops next.
    if (navigator.onLine) {
      var assets = [location.pathname];
      document.querySelectorAll("link[rel=stylesheet], script[src]").forEach(function (el) {
        assets.push(el.getAttribute("href") || el.getAttribute("src"));
      });
      caches.open("tuzo-judging-v1").then(function (cache) { return cache.addAll(assets); }).catch(function () {});
    }
  }

  function show(message, kind) {
    state.textContent = message;
    state.className = "save-state save-" + kind;
  }

  function collect() {
    var draft = {version: parseInt(versionField.value, 10), scores: {}, comments: {}, comment: ""};
    form.querySelectorAll("section.criterion").forEach(function (section) {
      var checked = form.querySelector("input[name='" + section.dataset.score + "']:checked");
      draft.scores[section.dataset.code] = checked ? checked.value : null;
      var note = form.querySelector("[name='" + section.dataset.comment + "']");
      draft.comments[section.dataset.code] = note ? note.value : "";
    });
    var overall = form.querySelector("[name=comment]");
    draft.comment = overall ? overall.value : "";
    return draft;
  }

  function apply(draft) {
    form.querySelectorAll("section.criterion").forEach(function (section) {
      var code = section.dataset.code;
      var value = draft.scores[code];
      form.querySelectorAll("input[name='" + section.dataset.score + "']").forEach(function (radio) {
        radio.checked = value !== null && radio.value === value;
      });
      var note = form.querySelector("[name='" + section.dataset.comment + "']");
      if (note && draft.comments[code] !== undefined) note.value = draft.comments[code];
    });
    var overall = form.querySelector("[name=comment]");
    if (overall) overall.value = draft.comment || "";
    versionField.value = draft.version;
    form.dispatchEvent(new Event("tuzo:restored"));
  }

  function keep() {
    localStorage.setItem(key, JSON.stringify(collect()));
  }

  function send() {
    clearTimeout(timer);
    var kept = localStorage.getItem(key);
    if (!kept || sending) return;
    if (!navigator.onLine) { wasOffline = true; show(heldSubmit ? form.dataset.msgHeld : form.dataset.msgOffline, "offline"); return; }
    sending = true;
    show(form.dataset.msgSaving, "saving");
    fetch(form.dataset.autosaveUrl, {
      method: "POST", credentials: "same-origin",
      headers: {"Content-Type": "application/json", "X-CSRFToken": token},
      body: kept
    }).then(function (response) {
      return response.json().then(function (body) { return {ok: response.ok, body: body}; });
    }).then(function (result) {
      sending = false;
      if (heldSubmit) return releaseSubmit(result.ok ? result.body.version : null);
      if (result.ok) {
        versionField.value = result.body.version;
        // Only forget the kept copy if nothing changed while it was on the way.
        if (localStorage.getItem(key) === kept) localStorage.removeItem(key);
        else { var newer = JSON.parse(localStorage.getItem(key)); newer.version = result.body.version; localStorage.setItem(key, JSON.stringify(newer)); schedule(); }
        show(wasOffline ? form.dataset.msgSynced : form.dataset.msgSaved, "saved");
        wasOffline = false;
      } else if (result.body.scorecard && sameContent(JSON.parse(kept), result.body.scorecard)) {
        // An earlier save reached the server but its answer was lost: the server already holds this.
        versionField.value = result.body.scorecard.version;
        if (localStorage.getItem(key) === kept) localStorage.removeItem(key);
        show(wasOffline ? form.dataset.msgSynced : form.dataset.msgSaved, "saved");
        wasOffline = false;
      } else {
        show(form.dataset.msgError + " " + result.body.error, "error");
      }
    }).catch(function () {
      sending = false;
      if (heldSubmit) return releaseSubmit(null);
      wasOffline = true;
      show(form.dataset.msgOffline, "offline");
    });
  }

  // Does the server's stored draft already say what this kept draft says?
  function sameContent(draft, stored) {
    var codes = Object.keys(draft.scores);
    return (draft.comment || "") === (stored.comment || "") && codes.every(function (code) {
      return (draft.scores[code] || null) === (stored.scores[code] === undefined ? null : stored.scores[code]) &&
        (draft.comments[code] || "") === (stored.comments[code] || "");
    });
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(send, 3000);
  }

  var kept = localStorage.getItem(key);
  if (kept) {
    apply(JSON.parse(kept));
    wasOffline = true;
    show(form.dataset.msgOffline, "offline");
    send();
  }
  // The submit confirmation is not part of the draft: ticking it saves nothing.
  function isDraftField(event) { return event.target.name !== "confirm"; }
  form.addEventListener("change", function (event) { if (isDraftField(event)) { keep(); schedule(); } });
  form.addEventListener("input", function (event) { if (isDraftField(event)) { keep(); schedule(); } });
  form.addEventListener("focusout", function () { if (localStorage.getItem(key)) send(); });
  window.addEventListener("online", send);
  window.addEventListener("offline", function () {
    wasOffline = true;
    show(heldSubmit ? form.dataset.msgHeld : form.dataset.msgOffline, "offline");
  });
  // A full form submit (Save draft / Submit) carries everything, so the kept copy is no longer
  // needed. If an autosave is on its way, wait for it: the submit must carry the version it creates.
  // Offline, the draft is kept and the submit waits for the connection: the "online" autosave then
  // sends it again with the same button, so the form (with its confirmation tick) is posted as pressed.
  function releaseSubmit(version) {
    var submitter = heldSubmit;
    heldSubmit = null;
    if (version !== null) versionField.value = version;
    localStorage.removeItem(key);
    form.requestSubmit(submitter);
  }
  form.addEventListener("submit", function (event) {
    clearTimeout(timer);
    if (!navigator.onLine) {
      event.preventDefault();
      heldSubmit = event.submitter || null;
      keep();
      wasOffline = true;
      show(form.dataset.msgHeld, "offline");
      return;
    }
    if (sending) {
      event.preventDefault();
      heldSubmit = event.submitter || null;
      return;
    }
    localStorage.removeItem(key);
  });
})();
