const FEED = "wss://metrics.example.com/live";

// alerts come straight from the feed
const alerts = new WebSocket(FEED);
alerts.addEventListener("message", (event) => {
  const msg = JSON.parse(event.data);
  if (msg.type !== "alert") return;
  const li = document.createElement("li");
  li.textContent = `${msg.host}: ${msg.text}`;
  document.getElementById("alerts").append(li);
});

// the chart series are aggregated off the main thread
const worker = new Worker(new URL("./feed.worker.js", import.meta.url), { type: "module" });
worker.onmessage = (event) => drawSeries(event.data);

function drawSeries(points) {
  const ctx = document.getElementById("chart").getContext("2d");
  ctx.clearRect(0, 0, 800, 300);
  ctx.beginPath();
  points.forEach((p, i) => ctx.lineTo(i * 4, 300 - p));
  ctx.stroke();
}
