// Threadline console: charts, the network graph and the movement map.
// Pages carry their data in <script type="application/json"> blocks (no inline script: CSP).
"use strict";

function readData(id) {
  const node = document.getElementById(id);
  return node ? JSON.parse(node.textContent) : null;
}

const INK = "#1f5fa8";

function barChart(canvasId, dataId, kind) {
  const canvas = document.getElementById(canvasId);
  const data = readData(dataId);
  if (!canvas || !data || typeof Chart === "undefined") return;
  new Chart(canvas, {
    type: kind || "bar",
    data: { labels: data.labels, datasets: [{ data: data.values, backgroundColor: INK, borderColor: INK, pointRadius: 0, fill: false, maxBarThickness: 48 }] },
    options: { animation: false, responsive: true, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true } } },
  });
}

function lorenzChart() {
  const canvas = document.getElementById("chart-lorenz");
  const points = readData("data-lorenz");
  if (!canvas || !points || typeof Chart === "undefined") return;
  const curve = points.map((p) => ({ x: p[0], y: p[1] }));
  new Chart(canvas, {
    type: "scatter",
    data: { datasets: [
      { label: "Lorenz curve", data: curve, showLine: true, borderColor: INK, pointRadius: 0 },
      { label: "Equality", data: [{ x: 0, y: 0 }, { x: 1, y: 1 }], showLine: true, borderColor: "#999", borderDash: [4, 4], pointRadius: 0 },
    ] },
    options: { animation: false, scales: {
      x: { min: 0, max: 1, title: { display: true, text: "share of phones (fewest ads first)" } },
      y: { min: 0, max: 1, title: { display: true, text: "share of phone–ad pairs" } } } },
  });
}

const RISK_COLORS = { high: "#b3261e", medium: "#d08a00", low: "#4c8c4a", none: "#8a94a3" };
const KIND_COLORS = { phone: "#1f5fa8", email: "#7b3fa0", handle: "#0f7c7c", template: "#6b6b6b", image: "#a0522d", url: "#555" };

function networkGraph() {
  const box = document.getElementById("graph");
  const elements = readData("data-graph");
  if (!box || !elements || typeof cytoscape === "undefined") return;
  const many = elements.length > 400;
  const cy = cytoscape({
    container: box,
    elements: elements,
    wheelSensitivity: 0.3,
    style: [
      { selector: "node", style: { "label": "data(label)", "font-size": 8, "color": "#1d2430", "text-valign": "bottom", "text-margin-y": 2 } },
      { selector: "node[kind = 'ad']", style: { "shape": "ellipse", "width": 12, "height": 12, "background-color": (n) => RISK_COLORS[n.data("level")] || RISK_COLORS.none, "label": many ? "" : "data(label)" } },
      { selector: "node[kind != 'ad']", style: { "shape": "round-rectangle", "width": 18, "height": 18, "background-color": (n) => KIND_COLORS[n.data("kind")] || "#555" } },
      { selector: "edge", style: { "width": 1, "line-color": "#b8c2d0", "label": many ? "" : "data(label)", "font-size": 7, "color": "#5b6574", "text-rotation": "autorotate", "curve-style": "haystack" } },
    ],
    layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: 6000, idealEdgeLength: 40, numIter: many ? 400 : 1000 },
  });
  cy.on("tap", "node[kind = 'ad']", (event) => { window.location.href = "/ads/" + event.target.id().slice(2); });
  box.dataset.ready = String(cy.nodes().length);
}

function movementMap() {
  const box = document.getElementById("map");
  const points = readData("data-map");
  if (!box || !points || typeof L === "undefined") return;
  const map = L.map(box, { attributionControl: false, zoomSnap: 0.25 });
  const tiles = box.dataset.tiles;
  if (tiles) {
    L.tileLayer(tiles, { maxZoom: 18 }).addTo(map);
  } else {
    fetch("/static/vendor/us-atlas-3.0.1/us-states.geojson").then((r) => r.json()).then((geo) => {
      L.geoJSON(geo, { style: { color: "#8a94a3", weight: 1, fillColor: "#eef1f5", fillOpacity: 1 } }).addTo(map).bringToBack();
    });
  }
  const line = points.map((p) => [p.lat, p.lon]);
  if (line.length > 1) L.polyline(line, { color: INK, weight: 2, opacity: 0.7 }).addTo(map);
  points.forEach((p) => {
    L.circleMarker([p.lat, p.lon], { radius: 4 + Math.min(8, p.ads), color: "#b3261e", fillOpacity: 0.7 })
      .bindTooltip(p.order + ". " + p.city + " (" + p.ads + " ads)").addTo(map);
  });
  if (line.length) map.fitBounds(L.latLngBounds(line).pad(0.3)); else map.setView([39, -98], 3.5);
  box.dataset.ready = String(points.length);
}

// Tables marked data-refresh="<seconds>" reload their rows from the same page (live lists).
function liveTables() {
  document.querySelectorAll("table[data-refresh]").forEach((table) => {
    const seconds = Math.max(5, Number(table.dataset.refresh) || 15);
    setInterval(async () => {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      if (!response.ok) return;
      const page = new DOMParser().parseFromString(await response.text(), "text/html");
      const fresh = page.querySelector("#" + table.id + " tbody");
      if (fresh) table.querySelector("tbody").replaceWith(fresh);
    }, seconds * 1000);
  });
}

document.addEventListener("DOMContentLoaded", () => {
  liveTables();
  barChart("chart-weekly", "data-weekly", "line");
  barChart("chart-cities", "data-cities", "bar");
  barChart("chart-by-day", "data-by-day", "bar");
  barChart("chart-by-hour", "data-by-hour", "bar");
  lorenzChart();
  networkGraph();
  movementMap();
});
