// The certificate console's "Prepare certificates": instead of one post per press (which works
// without JavaScript too), post again and again, each post preparing the next chunk, and show
// the progress until every certificate is ready; then the download is only packing files.
(function () {
  "use strict";
  var box = document.getElementById("prepare");
  var form = document.getElementById("prepare-form");
  if (!box || !form || !window.fetch) return;
  var bar = document.getElementById("prepare-progress");
  var status = document.getElementById("prepare-status");
  var hint = document.getElementById("prepare-hint");
  var button = form.querySelector("button[type=submit]");
  var token = form.querySelector("input[name=csrf_token]").value;

  var number = window.Intl ? new Intl.NumberFormat(document.documentElement.lang || undefined) : null;
  function count(n) { return number ? number.format(n) : String(n); }
  function say(template, progress) {
    return template.replace("{done}", count(progress.done)).replace("{total}", count(progress.total));
  }

  function step() {
    return fetch(form.action, {
      method: "POST", credentials: "same-origin",
      headers: {"Accept": "application/json", "X-CSRFToken": token},
      body: new FormData(form)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (body) {
        if (!response.ok || typeof body.done !== "number") throw new Error(body.error || box.dataset.msgFailed);
        return body;
      });
    }, function () { throw new Error(box.dataset.msgFailed); }).then(function (progress) {
      bar.max = progress.total || 1;
      bar.value = progress.total ? progress.done : 1;
      if (progress.ready) {
        status.textContent = say(box.dataset.msgReady, progress);
        form.remove();  // nothing left to prepare (a reload shows the same)
        if (hint) hint.hidden = true;
        return null;
      }
      status.textContent = say(box.dataset.msgProgress, progress);
      return step();
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    button.disabled = true;
    step().catch(function (error) {
      // Whatever was prepared stays prepared: pressing the button again continues from there.
      status.textContent = box.dataset.msgError + " " + error.message;
      button.disabled = false;
    });
  });
})();
