// The running weighted total on the scoring page: each criterion in the total adds
// (score - minimum) / (maximum - minimum) x weight points out of 100, as awards.scoring counts it.
// For display only; the ranking is computed on the server with exact arithmetic.
(function () {
  "use strict";
  var form = document.getElementById("scorecard");
  var output = document.getElementById("running-total");
  if (!form || !output) return;

  function update() {
    var points = 0, scored = 0, sections = form.querySelectorAll("section.criterion");
    sections.forEach(function (section) {
      var checked = form.querySelector("input[name='" + section.dataset.score + "']:checked");
      if (!checked) return;
      scored += 1;
      if (section.dataset.inTotal !== "1") return;
      var min = parseFloat(section.dataset.min), max = parseFloat(section.dataset.max);
      points += (parseFloat(checked.value) - min) / (max - min) * parseFloat(section.dataset.weight);
    });
    output.textContent = output.dataset.template
      .replace("{points}", points.toFixed(2))
      .replace("{scored}", scored)
      .replace("{total}", sections.length);
    output.hidden = false;
  }

  form.addEventListener("change", update);
  // scorecard.js restores a draft kept in the browser by setting the radios, which fires no event.
  form.addEventListener("tuzo:restored", update);
  update();
})();
