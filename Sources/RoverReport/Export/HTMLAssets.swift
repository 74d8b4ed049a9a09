/// The inline stylesheet and script of report.html. The script reads `#report-data` and draws
/// the SVG charts with DOM calls only (no libraries, no network): two bar charts and the latency
/// curves as small multiples, one panel per load.
///
/// Belongs to RoverReport (export). Constants; thread-safe.
enum HTMLAssets {
    static let css = #"""
    body { font: 14px/1.4 system-ui, sans-serif; margin: 24px; color: #222; max-width: 1100px; }
    h1 { font-size: 22px; } h2 { font-size: 16px; margin: 0 0 6px; }
    .meta, .method { color: #555; }
    .chart { margin: 22px 0; }
    .chart-svg { background: #fff; border: 1px solid #ddd; }
    .chart-svg text { font-size: 11px; fill: #333; }
    .grid { stroke: #eee; } .axis { stroke: #999; }
    .bar { fill: #7aa6d8; } .bar.baseline { fill: #b9b9b9; }
    .ci { stroke: #123; stroke-width: 1.5; }
    .curve { fill: none; stroke-width: 1.8; } .curve.medians { stroke-dasharray: 5 3; }
    .note { color: #a40; }
    .panels { display: flex; flex-wrap: wrap; gap: 12px; }
    .panel h3 { font-size: 13px; margin: 4px 0; font-weight: 600; }
    table { border-collapse: collapse; font-size: 12px; }
    td, th { border: 1px solid #ddd; padding: 3px 6px; text-align: right; }
    td:first-child, th:first-child { text-align: left; }
    """#

    static let script = #"""
    (function () {
      "use strict";
      var data = JSON.parse(document.getElementById("report-data").textContent);
      var NS = "http://www.w3.org/2000/svg";
      var palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b",
                     "#e377c2", "#17becf", "#bcbd22", "#7f7f7f"];
      function el(name, attrs, parent) {
        var e = document.createElementNS(NS, name);
        for (var k in attrs) e.setAttribute(k, attrs[k]);
        if (parent) parent.appendChild(e);
        return e;
      }
      function text(parent, x, y, s, attrs) {
        var a = attrs || {}; a.x = x; a.y = y;
        var t = el("text", a, parent); t.textContent = s; return t;
      }
      function fmt(v) {
        if (!isFinite(v)) return String(v);
        if (v === 0) return "0";
        if (Math.abs(v) >= 1000) return Math.round(v).toLocaleString("en-US");
        return Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(1);
      }
      function ticks(max, n) {
        if (!(max > 0)) return [0];
        var raw = max / n, mag = Math.pow(10, Math.floor(Math.log10(raw)));
        var step = [1, 2, 5, 10].map(function (m) { return m * mag; }).find(function (s) { return s >= raw; });
        var out = []; for (var t = 0; t <= max + 1e-9; t += step) out.push(t); return out;
      }
      function note(box, s) { var p = document.createElement("p"); p.className = "note"; p.textContent = s; box.appendChild(p); }

      function barChart(id, key, unit) {
        var box = document.getElementById(id);
        var rows = data.cells.filter(function (c) { return c[key]; });
        if (!rows.length) { note(box, "No ok runs to chart."); box.setAttribute("data-rendered", "0"); return; }
        var rowH = 22, left = 340, right = 90, width = 1000, top = 12, bottom = 28;
        var height = top + rows.length * rowH + bottom;
        var svg = el("svg", { "class": "chart-svg", width: width, height: height,
                              viewBox: "0 0 " + width + " " + height, role: "img" }, box);
        var max = Math.max.apply(null, rows.map(function (c) { return c[key].hi; })) * 1.05;
        var sx = function (v) { return left + (width - left - right) * v / max; };
        ticks(max, 5).forEach(function (t) {
          el("line", { "class": "grid", x1: sx(t), x2: sx(t), y1: top, y2: height - bottom }, svg);
          text(svg, sx(t), height - 10, fmt(t), { "text-anchor": "middle" });
        });
        rows.forEach(function (c, i) {
          var y = top + i * rowH, m = c[key], mid = y + rowH / 2;
          text(svg, left - 8, mid + 4, c.label, { "text-anchor": "end" });
          var bar = el("rect", { "class": c.baseline ? "bar baseline" : "bar", x: left, y: y + 3,
                                 width: Math.max(0, sx(m.v) - left), height: rowH - 6, "data-cell": c.id }, svg);
          el("title", {}, bar).textContent = c.id + ": " + fmt(m.v) + " " + unit + " [" + fmt(m.lo) + ", " + fmt(m.hi) + "]";
          el("line", { "class": "ci", x1: sx(m.lo), x2: sx(m.hi), y1: mid, y2: mid }, svg);
          el("line", { "class": "ci", x1: sx(m.lo), x2: sx(m.lo), y1: mid - 5, y2: mid + 5 }, svg);
          el("line", { "class": "ci", x1: sx(m.hi), x2: sx(m.hi), y1: mid - 5, y2: mid + 5 }, svg);
          text(svg, sx(m.hi) + 6, mid + 4, fmt(m.v));
        });
        box.setAttribute("data-rendered", String(rows.length));
      }

      // Small multiples, one panel per load (scenario × workers × connections × rate, at most
      // 8 lines; the Swift side splits a larger group), on HdrHistogram's axis:
      // x = log10(1 / (1 - p)), labelled 0%, 90%, 99%, 99.9%, …  Each panel has its own y scale.
      function latencyChart(id) {
        var box = document.getElementById(id), curves = data.curves;
        if (!curves.length) { note(box, "No latency data."); box.setAttribute("data-rendered", "0"); return; }
        var panels = [], byTitle = {};
        curves.forEach(function (c) {
          if (!byTitle[c.panel]) { byTitle[c.panel] = { title: c.panel, curves: [] }; panels.push(byTitle[c.panel]); }
          byTitle[c.panel].curves.push(c);
        });
        var grid = document.createElement("div"); grid.className = "panels"; box.appendChild(grid);
        var maxNines = 6, cap = 1 - Math.pow(10, -maxNines);
        var xOf = function (p) { return Math.log10(1 / (1 - Math.min(p, cap))); };
        panels.forEach(function (panel) {
          var div = document.createElement("div"); div.className = "panel"; grid.appendChild(div);
          var h = document.createElement("h3"); h.textContent = panel.title; div.appendChild(h);
          var width = 540, left = 56, right = 12, top = 10, bottom = 34, legend = 16 * panel.curves.length + 6;
          var plotH = 200, height = top + plotH + bottom + legend;
          var xmax = 1, ymax = 0;
          panel.curves.forEach(function (c) { c.points.forEach(function (pt) {
            xmax = Math.max(xmax, Math.ceil(xOf(pt[0]) - 1e-9)); ymax = Math.max(ymax, pt[1]); }); });
          ymax *= 1.05;
          var svg = el("svg", { "class": "chart-svg", width: width, height: height,
                                viewBox: "0 0 " + width + " " + height, role: "img" }, div);
          var base = top + plotH;
          var sx = function (x) { return left + (width - left - right) * x / xmax; };
          var sy = function (v) { return base - plotH * v / ymax; };
          for (var n = 0; n <= xmax; n++) {
            el("line", { "class": "grid", x1: sx(n), x2: sx(n), y1: top, y2: base }, svg);
            var label = n === 0 ? "0%" : (100 - 100 * Math.pow(10, -n)).toFixed(Math.max(0, n - 2)) + "%";
            text(svg, sx(n), base + 14, label, { "text-anchor": "middle" });
          }
          ticks(ymax, 4).forEach(function (t) {
            el("line", { "class": "grid", x1: left, x2: width - right, y1: sy(t), y2: sy(t) }, svg);
            text(svg, left - 6, sy(t) + 4, fmt(t), { "text-anchor": "end" });
          });
          text(svg, (left + width - right) / 2, base + 28, "percentile (µs up)", { "text-anchor": "middle" });
          panel.curves.forEach(function (c, i) {
            var colour = palette[i % palette.length];
            var pts = c.points.map(function (pt) { return sx(xOf(pt[0])).toFixed(1) + "," + sy(pt[1]).toFixed(1); });
            var line = el("polyline", { "class": "curve " + c.source, points: pts.join(" "), stroke: colour,
                                        "data-cell": c.cell }, svg);
            el("title", {}, line).textContent = c.cell + (c.source === "medians" ? " (medians of p50/p90/p99/p99.9)" : "");
            var ly = base + bottom + 12 + i * 16;
            el("line", { x1: left, x2: left + 20, y1: ly - 4, y2: ly - 4, stroke: colour,
                         "stroke-width": 2, "class": "curve " + c.source }, svg);
            text(svg, left + 26, ly, c.label + (c.source === "medians" ? " *" : ""));
          });
        });
        if (curves.some(function (c) { return c.source === "medians"; }))
          note(box, "* no .hgrm file for this cell: drawn from the median p50/p90/p99/p99.9 of its runs.");
        box.setAttribute("data-rendered", String(curves.length));
        box.setAttribute("data-panels", String(panels.length));
      }

      barChart("chart-throughput", "rps", "req/s");
      latencyChart("chart-latency");
      barChart("chart-server-cpu", "cpu", "µs/req");
    })();
    """#
}
