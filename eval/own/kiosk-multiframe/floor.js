const scheme = location.protocol === "https:" ? "wss:" : "ws:";
const url = `${scheme}//${location.host}/telemetry`;
let attempt = 0;
function connect() {
  const ws = new WebSocket(url);
  ws.onmessage = (event) => {
    const m = JSON.parse(event.data);
    if (m.alarm) document.body.classList.add("alarm");
  };
  ws.onclose = () => setTimeout(connect, Math.min(30000, 1000 * 2 ** attempt++));
  setInterval(() => ws.readyState === 1 && ws.send("hb"), 20000);
}
connect();
