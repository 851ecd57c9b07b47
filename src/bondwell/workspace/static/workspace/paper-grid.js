// Paper entry as a keyboard-first grid: digits choose an option of the focused item (1 = top as printed,
// 0 = left blank on paper) and move on to the next item; the up and down arrows move between items; after the
// last item the focus goes to Save. The running total is a preview: Bondwell scores the form when it is saved.
(function () {
  "use strict";
  var form = document.querySelector("[data-paper-grid]");
  if (!form) { return; }
  var rows = Array.prototype.slice.call(form.querySelectorAll("[data-grid-row]"));
  var total = document.getElementById("live-total");
  var save = form.querySelector("[data-grid-save]");

  function focusRow(index) {
    if (index >= rows.length) { if (save) { save.focus(); } return; }
    if (index < 0) { index = 0; }
    var row = rows[index];
    var target = row.querySelector("input:checked") || row.querySelector("input[type=radio]");
    if (target) { target.focus(); }
  }

  function update() {
    var sum = 0, entered = 0, blank = 0;
    rows.forEach(function (row) {
      var chosen = row.querySelector("input:checked");
      if (!chosen) { return; }
      entered += 1;
      row.classList.remove("missing");
      if (chosen.value === "blank") { blank += 1; } else { sum += parseInt(chosen.getAttribute("data-score"), 10); }
    });
    if (total) {
      total.textContent = "Total so far: " + sum + " · " + entered + " of " + rows.length + " items entered" +
        (blank ? " (" + blank + " left blank on paper: the form will not be scored)" : "");
    }
  }

  form.addEventListener("keydown", function (event) {
    var active = document.activeElement;
    if (!active || active.type !== "radio") { return; }
    var row = active.closest("[data-grid-row]");
    var index = rows.indexOf(row);
    if (index < 0) { return; }
    if (/^[0-9]$/.test(event.key)) {
      var choice = row.querySelector('input[data-digit="' + event.key + '"]');
      if (!choice) { return; }
      event.preventDefault();
      choice.checked = true;
      choice.dispatchEvent(new Event("change", { bubbles: true }));
      focusRow(index + 1);
    } else if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      focusRow(index + (event.key === "ArrowDown" ? 1 : -1));
    }
  });
  form.addEventListener("change", update);
  update();
})();
