const ROOM = "wss://collab.example.com/room";
let attempt = 0;
let ws;
function connect() {
  ws = new WebSocket(ROOM);
  ws.onmessage = (event) => {
    const { stroke } = JSON.parse(event.data);
    if (stroke) draw(stroke);
  };
  ws.onclose = () => setTimeout(connect, Math.min(30000, 1000 * 2 ** attempt++));
  setInterval(() => ws.readyState === 1 && ws.send("{}"), 25000);
}
function draw(s) {
  const ctx = document.getElementById("c").getContext("2d");
  ctx.lineTo(s.x, s.y);
  ctx.stroke();
}
document.getElementById("c").onmousemove = (e) => {
  if (ws.readyState === 1) ws.send(JSON.stringify({ cursor: { x: e.clientX, y: e.clientY } }));
};
connect();
