const scheme = location.protocol === "https:" ? "wss:" : "ws:";
let attempt = 0;
function connect() {
  const ws = new WebSocket(`${scheme}//${location.host}/ops`);
  ws.onmessage = (event) => applyOp(JSON.parse(event.data));
  ws.onclose = () => setTimeout(connect, Math.min(20000, 250 * 2 ** attempt++));
  document.getElementById("doc").oninput = (e) => ws.readyState === 1 && ws.send(JSON.stringify({ op: e.data }));
  setInterval(() => ws.readyState === 1 && ws.send("{}"), 30000);
}
function applyOp(op) {
  document.getElementById("doc").textContent += op.op || "";
}
connect();
