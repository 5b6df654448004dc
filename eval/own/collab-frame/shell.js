const ROOM = "wss://collab.example.com/room";
let attempt = 0;

function connect() {
  const ws = new WebSocket(ROOM);
  ws.onmessage = (event) => {
    const { cursor } = JSON.parse(event.data);
    if (cursor) moveCursor(cursor);
  };
  ws.onclose = () => setTimeout(connect, Math.min(30000, 1000 * 2 ** attempt++));
  setInterval(() => ws.readyState === 1 && ws.send("{}"), 25000);
}

function moveCursor(c) {
  const el = document.getElementById("cursors");
  el.style.transform = `translate(${c.x}px, ${c.y}px)`;
}

const frame = document.createElement("iframe");
frame.title = "Canvas";
frame.src = "canvas.html";
document.getElementById("host").append(frame);
connect();
