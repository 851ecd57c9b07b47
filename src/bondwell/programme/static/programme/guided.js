/* The guided session: one step at a time, a gentle timer that moves on by itself, pause and resume, and a
   kind "stop for now". Plain JavaScript, no framework. Time is measured with Date.now(), so a test can drive
   it with Playwright's clock. */
(function () {
  "use strict";
  var form = document.getElementById("guided");
  if (!form) { return; }
  var steps = Array.prototype.slice.call(form.querySelectorAll('[data-phase="step"]'));
  var before = form.querySelector('[data-phase="before"]');
  var controls = form.querySelector('[data-phase="controls"]');
  var after = form.querySelector('[data-phase="after"]');
  var cues = form.querySelector('[data-phase="cues"]');
  var timerText = form.querySelector("[data-timer]");
  var progress = form.querySelector("[data-progress]");
  var pausedNote = form.querySelector("[data-paused]");
  var pauseButton = form.querySelector('[data-action="pause"]');
  var field = function (name) { return form.querySelector('input[name="' + name + '"]'); };

  var index = -1, remainingMs = 0, stepMs = 0, running = false, last = 0, activeMs = 0, completed = 0;
  var ticker = null, wakeLock = null;

  function format(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    return Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
  }
  function render() {
    timerText.textContent = format(remainingMs);
    progress.style.width = (stepMs ? 100 * (1 - remainingMs / stepMs) : 0) + "%";
    pausedNote.hidden = running;
    pauseButton.textContent = running ? "Pause" : "Resume";
  }
  function focusHeading(section) {
    var heading = section.querySelector("h2");
    if (heading) { heading.focus({ preventScroll: true }); }
    // Bring the step itself to the top: the site header scrolls away, leaving room for instructions.
    (section.closest("[data-phase]") || section).scrollIntoView({ block: "start" });
  }
  function show(i) {
    steps.forEach(function (s, j) { s.hidden = j !== i; });
    index = i;
    stepMs = remainingMs = parseInt(steps[i].dataset.seconds, 10) * 1000;
    running = true;
    last = Date.now();
    render();
    focusHeading(steps[i]);
    if (navigator.vibrate) { try { navigator.vibrate(40); } catch (e) { /* not important */ } }
  }
  function tick() {
    var now = Date.now();
    if (running) {
      var delta = Math.max(0, now - last);
      activeMs += delta;
      remainingMs -= delta;
      if (remainingMs <= 0) {
        completed = Math.max(completed, index + 1);
        next();
        return;
      }
    }
    last = now;
    render();
  }
  function next() {
    if (index + 1 < steps.length) { show(index + 1); } else { finish("completed"); }
  }
  function finish(outcome) {
    running = false;
    if (ticker) { clearInterval(ticker); ticker = null; }
    steps.forEach(function (s) { s.hidden = true; });
    controls.hidden = true;
    cues.hidden = true;
    after.hidden = false;
    field("outcome").value = outcome;
    field("duration_seconds").value = Math.max(1, Math.round(activeMs / 1000));
    field("steps_completed").value = completed;
    after.querySelector('[data-when="completed"]').hidden = outcome !== "completed";
    after.querySelector('[data-when="stopped_early"]').hidden = outcome === "completed";
    focusHeading(after.querySelector('[data-when="' + outcome + '"]'));
    if (wakeLock) { wakeLock.release().catch(function () {}); wakeLock = null; }
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action]");
    if (!button) { return; }
    var action = button.dataset.action;
    if (action === "start") {
      field("started_epoch_ms").value = Date.now();
      before.hidden = true;
      controls.hidden = false;
      cues.hidden = false;
      // Keep the screen on while her hands are busy (where the browser allows it).
      if (navigator.wakeLock) { navigator.wakeLock.request("screen").then(function (l) { wakeLock = l; }).catch(function () {}); }
      ticker = setInterval(tick, 250);
      show(0);
    } else if (action === "pause") {
      tick();
      running = !running;
      last = Date.now();
      render();
    } else if (action === "next") {
      tick();
      completed = Math.max(completed, index + 1);
      next();
    } else if (action === "stop") {
      tick();
      finish("stopped_early");
    } else if (action === "dim") {
      var dim = document.body.classList.toggle("dim");
      button.setAttribute("aria-pressed", dim ? "true" : "false");
      try { localStorage.setItem("bondwell-dim", dim ? "1" : ""); } catch (e) { /* private mode */ }
    }
  });
  try {
    if (localStorage.getItem("bondwell-dim")) {
      document.body.classList.add("dim");
      form.querySelector('[data-action="dim"]').setAttribute("aria-pressed", "true");
    }
  } catch (e) { /* private mode */ }
})();
