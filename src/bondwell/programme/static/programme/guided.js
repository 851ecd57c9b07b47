/* The guided session: one step at a time, a gentle timer that moves on by itself, pause and resume, a neutral
   "Stop" and a kind "Baby isn't enjoying this". Guidance that needs no eyes: each step is read aloud in the
   page's language (on by default, a clear toggle), a soft sound and a buzz (where the phone can) mark each
   change, and the screen is kept awake. Saving goes to the practice-log endpoint as JSON with the session's
   token; without a connection the session waits on the phone (bondwell/offline-queue.js sends it later).
   Plain JavaScript, no framework. Time is measured with Date.now(), so a test can drive it with Playwright's
   clock. */
(function () {
  "use strict";
  var form = document.getElementById("guided");
  if (!form) { return; }
  var steps = Array.prototype.slice.call(form.querySelectorAll('[data-phase="step"]'));
  var phase = function (name) { return form.querySelector('[data-phase="' + name + '"]'); };
  var before = phase("before"), controls = phase("controls"), after = phase("after"), cues = phase("cues");
  var timerText = form.querySelector("[data-timer]");
  var progress = form.querySelector("[data-progress]");
  var pausedNote = form.querySelector("[data-paused]");
  var pauseButton = form.querySelector('[data-action="pause"]');
  var speechButton = form.querySelector('[data-action="speech"]');
  var field = function (name) { return form.querySelector('input[name="' + name + '"]'); };
  var lang = document.documentElement.lang || "en";
  var QUEUE = "bondwell-practice-queue";

  var index = -1, remainingMs = 0, stepMs = 0, running = false, last = 0, activeMs = 0, completed = 0;
  var ticker = null, wakeLock = null, audio = null, speaking = true;

  // ---- the token: the session's idempotency key (the kept offline copy makes its own) ----
  if (!field("token").value) {
    field("token").value = (self.crypto && crypto.randomUUID) ? crypto.randomUUID() :
      "10000000-1000-4000-8000-100000000000".replace(/[018]/g, function (c) {
        return (c ^ (Math.random() * 16) >> (c / 4)).toString(16);
      });
  }

  // ---- the offline copy applies the safety check to the answers the service worker passed on ----
  if (form.hasAttribute("data-offline-copy")) {
    var answers = new URLSearchParams(location.search);
    var blocking = Array.prototype.slice.call(form.querySelectorAll("[data-safety-key]"));
    var advice = Array.prototype.slice.call(form.querySelectorAll("[data-safety-advice]"));
    var any = blocking.concat(advice).some(function (p) {
      return answers.has(p.getAttribute("data-safety-key") || p.getAttribute("data-safety-advice"));
    });
    var no = blocking.filter(function (p) { return answers.get(p.getAttribute("data-safety-key")) !== "yes"; });
    if (!any) {
      before.hidden = true; phase("unchecked").hidden = false;
    } else if (no.length) {
      before.hidden = true; phase("not-today").hidden = false;
      no.forEach(function (p) { p.hidden = false; });
    } else {
      advice.forEach(function (p) { p.hidden = answers.get(p.getAttribute("data-safety-advice")) === "yes"; });
    }
  }

  // ---- spoken guidance, a soft sound, a buzz ----
  try { speaking = localStorage.getItem("bondwell-speech") !== "off"; } catch (e) { /* private mode */ }
  function showSpeech() { speechButton.setAttribute("aria-pressed", speaking ? "true" : "false"); }
  showSpeech();
  function say(section) {
    if (!speaking || !("speechSynthesis" in window)) { return; }
    var words = Array.prototype.map.call(section.querySelectorAll("[data-say]"), function (n) {
      return n.textContent.trim();
    }).join(". ");
    try {
      speechSynthesis.cancel();
      var utterance = new SpeechSynthesisUtterance(words);
      utterance.lang = lang;
      utterance.rate = 0.9;
      var voice = speechSynthesis.getVoices().filter(function (v) {
        return v.lang && v.lang.toLowerCase().indexOf(lang.toLowerCase().split("-")[0]) === 0;
      })[0];
      if (voice) { utterance.voice = voice; }
      speechSynthesis.speak(utterance);
    } catch (e) { /* no voice on this phone: the sound and the screen still guide */ }
  }
  function chime() {
    try {
      if (!audio) { return; }
      var now = audio.currentTime;
      [523.25, 659.25].forEach(function (hz, i) {
        var osc = audio.createOscillator(), gain = audio.createGain();
        osc.type = "sine"; osc.frequency.value = hz;
        gain.gain.setValueAtTime(0.0001, now + i * 0.18);
        gain.gain.exponentialRampToValueAtTime(0.08, now + i * 0.18 + 0.03);
        gain.gain.exponentialRampToValueAtTime(0.0001, now + i * 0.18 + 0.6);
        osc.connect(gain); gain.connect(audio.destination);
        osc.start(now + i * 0.18); osc.stop(now + i * 0.18 + 0.65);
      });
    } catch (e) { /* no sound: fine */ }
  }
  function buzz() {
    if (navigator.vibrate) { try { navigator.vibrate([60, 80, 60]); } catch (e) { /* not supported */ } }
  }
  function keepAwake() {
    if (navigator.wakeLock && !wakeLock) {
      navigator.wakeLock.request("screen").then(function (l) {
        wakeLock = l;
        l.addEventListener("release", function () { wakeLock = null; });
      }).catch(function () {});
    }
  }
  document.addEventListener("visibilitychange", function () {
    // The browser drops the wake lock when she switches away; take it again when she is back mid-session.
    if (document.visibilityState === "visible" && ticker) { keepAwake(); }
  });

  // ---- the timer ----
  function format(ms) {
    var s = Math.max(0, Math.ceil(ms / 1000));
    return Math.floor(s / 60) + ":" + ("0" + (s % 60)).slice(-2);
  }
  function render() {
    timerText.textContent = format(remainingMs);
    progress.style.width = (stepMs ? 100 * (1 - remainingMs / stepMs) : 0) + "%";
    pausedNote.hidden = running;
    pauseButton.textContent = running ? form.dataset.textPause : form.dataset.textResume;
  }
  function focusHeading(section) {
    var heading = section.querySelector("h1, h2");
    if (heading) { heading.focus({ preventScroll: true }); }
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
    chime(); buzz(); say(steps[i]);
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
    if (index + 1 < steps.length) { show(index + 1); } else { finish("completed", "completed"); }
  }
  function finish(outcome, reason) {
    running = false;
    if (ticker) { clearInterval(ticker); ticker = null; }
    steps.forEach(function (s) { s.hidden = true; });
    controls.hidden = true;
    cues.hidden = true;
    after.hidden = false;
    field("outcome").value = outcome;
    field("duration_seconds").value = Math.max(1, Math.round(activeMs / 1000));
    field("steps_completed").value = completed;
    ["completed", "stopped_early", "stopped"].forEach(function (when) {
      after.querySelector('[data-when="' + when + '"]').hidden = when !== reason;
    });
    var shown = after.querySelector('[data-when="' + reason + '"]');
    focusHeading(shown);
    chime(); buzz(); say(shown);
    if (wakeLock) { wakeLock.release().catch(function () {}); wakeLock = null; }
  }

  form.addEventListener("click", function (event) {
    var button = event.target.closest("[data-action]");
    if (!button) { return; }
    var action = button.dataset.action;
    if (action === "start") {
      var Ctx = window.AudioContext || window.webkitAudioContext;
      if (Ctx && !audio) { try { audio = new Ctx(); } catch (e) { audio = null; } }  // started by her tap
      field("started_epoch_ms").value = Date.now();
      before.hidden = true;
      controls.hidden = false;
      cues.hidden = false;
      keepAwake();
      ticker = setInterval(tick, 250);
      show(0);
    } else if (action === "pause") {
      tick();
      running = !running;
      last = Date.now();
      if ("speechSynthesis" in window) { try { if (running) { speechSynthesis.resume(); } else { speechSynthesis.pause(); } } catch (e) { /* ignore */ } }
      render();
    } else if (action === "next") {
      tick();
      completed = Math.max(completed, index + 1);
      next();
    } else if (action === "stop") {
      tick();
      if ("speechSynthesis" in window) { try { speechSynthesis.cancel(); } catch (e) { /* ignore */ } }
      finish("stopped_early", button.dataset.reason || "stopped_early");
    } else if (action === "speech") {
      speaking = !speaking;
      if (!speaking && "speechSynthesis" in window) { try { speechSynthesis.cancel(); } catch (e) { /* ignore */ } }
      try { localStorage.setItem("bondwell-speech", speaking ? "on" : "off"); } catch (e) { /* private mode */ }
      showSpeech();
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

  // ---- saving: JSON with the token; offline, the session waits on this phone ----
  function payload() {
    var data = {};
    ["token", "started_epoch_ms", "duration_seconds", "steps_completed", "steps_total", "outcome"].forEach(
      function (name) { data[name] = field(name).value; });
    ["mood_before", "mood_after", "baby_response"].forEach(function (name) {
      var checked = form.querySelector('input[name="' + name + '"]:checked');
      data[name] = checked ? checked.value : "";
    });
    return data;
  }
  function queue(data) {
    var waiting = {};
    try { waiting = JSON.parse(localStorage.getItem(QUEUE) || "{}"); } catch (e) { waiting = {}; }
    waiting[data.token] = data;
    localStorage.setItem(QUEUE, JSON.stringify(waiting));
    after.hidden = true;
    phase("queued").hidden = false;
    focusHeading(phase("queued"));
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var data = payload();
    if (navigator.onLine === false) { queue(data); return; }
    var body = Object.assign({ announce: true }, data);
    fetch(form.dataset.logUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": field("csrfmiddlewaretoken").value },
      body: JSON.stringify(body)
    }).then(function (response) {
      if (response.ok) { location.assign(form.dataset.doneUrl); return; }
      phase("save-error").hidden = false;
    }).catch(function () { queue(data); });
  });
})();
