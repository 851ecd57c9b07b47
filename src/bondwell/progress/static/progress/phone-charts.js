/* Her charts, drawn in her browser from the numbers the page carries as JSON (no library, no server rendering).
   Drawn at the real width of the screen, so every label is 13 CSS px on any phone; redrawn when the width
   changes. One series of data per chart; bands, courses and a cut-off are backgrounds or a line, each named in
   the key the page prints below. The table with the same numbers is always on the page. */
(function () {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var FONT = 13, HEIGHT = 200, M = { top: 10, right: 12, bottom: 30, left: 34 };
  var lang = document.documentElement.lang || "en";
  var rtl = document.documentElement.dir === "rtl";
  var monthYear = new Intl.DateTimeFormat(lang, { month: "short", year: "2-digit", timeZone: "UTC" });
  var number = new Intl.NumberFormat(lang);
  var BAND_FILLS = ["band-0", "band-1", "band-2", "band-3"];

  function el(name, attrs, parent) {
    var node = document.createElementNS(NS, name);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (parent) { parent.appendChild(node); }
    return node;
  }
  function day(iso) { return Date.parse(iso + "T00:00:00Z"); }
  function text(parent, x, y, value, anchor) {
    var t = el("text", { x: x, y: y, "font-size": FONT, "text-anchor": anchor || "middle", "class": "tick" }, parent);
    t.textContent = value;
    return t;
  }

  function draw(figure, data) {
    var width = Math.max(240, Math.floor(figure.clientWidth));
    var w = width - M.left - M.right, h = HEIGHT - M.top - M.bottom;
    var svg = el("svg", { width: width, height: HEIGHT, viewBox: "0 0 " + width + " " + HEIGHT, role: "img",
                          "aria-label": data.title, "class": "chart phone-chart-svg", focusable: "false" });
    var desc = el("desc", {}, svg); desc.textContent = data.description;
    var defs = el("defs", {}, svg);
    var hatch = el("pattern", { id: "hatch-" + figure.id, width: 8, height: 8, patternUnits: "userSpaceOnUse",
                                patternTransform: "rotate(45)" }, defs);
    el("line", { x1: 0, y1: 0, x2: 0, y2: 8, "class": "hatch-line" }, hatch);
    var dates = data.points.map(function (p) { return day(p.x); });
    (data.courses || []).forEach(function (c) { dates.push(day(c.from), day(c.to)); });
    var lo = Math.min.apply(null, dates), hi = Math.max.apply(null, dates);
    var pad = Math.max(7 * 864e5, (hi - lo) * 0.04);
    lo -= pad; hi += pad;
    var xs = function (t) { var f = (t - lo) / (hi - lo); return M.left + (rtl ? 1 - f : f) * w; };
    var ys = function (v) { return M.top + h - (v / data.y_max) * h; };
    var plot = el("g", {}, svg);
    (data.bands || []).forEach(function (b, i) {
      el("rect", { x: M.left, width: w, y: ys(Math.min(b.max + 0.5, data.y_max)),
                   height: ys(Math.max(b.min - 0.5, 0)) - ys(Math.min(b.max + 0.5, data.y_max)),
                   "class": BAND_FILLS[i % 4] }, plot);
    });
    (data.courses || []).forEach(function (c) {
      var a = xs(day(c.from)), b = xs(day(c.to) + 864e5);
      el("rect", { x: Math.min(a, b), width: Math.max(3, Math.abs(b - a)), y: M.top, height: h,
                   fill: "url(#hatch-" + figure.id + ")", "class": "course-span" }, plot);
    });
    el("line", { x1: M.left, x2: M.left + w, y1: ys(0), y2: ys(0), "class": "axis" }, plot);
    [0, Math.round(data.y_max / 2), data.y_max].forEach(function (v) {
      text(plot, M.left - 6, ys(v) + FONT / 3, number.format(v), "end");
    });
    var ticks = width < 420 ? 3 : 5;
    for (var i = 0; i < ticks; i++) {
      var t = lo + pad + (hi - lo - 2 * pad) * (ticks === 1 ? 0.5 : i / (ticks - 1));
      var anchor = i === 0 ? (rtl ? "end" : "start") : (i === ticks - 1 ? (rtl ? "start" : "end") : "middle");
      text(plot, xs(t), HEIGHT - 8, monthYear.format(new Date(t)), anchor);
    }
    if (data.cutoff !== null && data.cutoff !== undefined) {
      el("line", { x1: M.left, x2: M.left + w, y1: ys(data.cutoff), y2: ys(data.cutoff), "class": "cutoff" }, plot);
    }
    if (data.target) {
      el("line", { x1: M.left, x2: M.left + w, y1: ys(data.target), y2: ys(data.target), "class": "cutoff" }, plot);
    }
    if (data.kind === "bars") {
      var bw = Math.max(2, Math.min(14, w / Math.max(1, (hi - lo) / (7 * 864e5)) - 2));
      data.points.forEach(function (p) {
        el("rect", { x: xs(day(p.x) + 3.5 * 864e5) - bw / 2, width: bw, y: ys(p.y), height: ys(0) - ys(p.y),
                     "class": "bar" }, plot);
      });
    } else {
      el("polyline", { points: data.points.map(function (p) { return xs(day(p.x)) + "," + ys(p.y); }).join(" "),
                       "class": "series" }, plot);
      data.points.forEach(function (p) { el("circle", { cx: xs(day(p.x)), cy: ys(p.y), r: 5, "class": "dot" }, plot); });
    }
    var old = figure.querySelector("svg");
    if (old) { figure.replaceChild(svg, old); } else { figure.insertBefore(svg, figure.firstChild); }
  }

  var charts = [];
  document.querySelectorAll("figure.phone-chart[data-chart]").forEach(function (figure) {
    var source = document.getElementById(figure.getAttribute("data-chart"));
    if (!source) { return; }
    var data = JSON.parse(source.textContent);
    if (!data.points || !data.points.length) { return; }
    charts.push([figure, data]);
    draw(figure, data);
  });
  var lastWidth = window.innerWidth;
  window.addEventListener("resize", function () {
    if (window.innerWidth === lastWidth) { return; }
    lastWidth = window.innerWidth;
    charts.forEach(function (c) { draw(c[0], c[1]); });
  });
})();
