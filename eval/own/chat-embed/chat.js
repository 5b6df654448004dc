const scheme = location.protocol === "https:" ? "wss:" : "ws:";
let attempt = 0;
let socket;
function connect() {
  socket = new WebSocket(`${scheme}//${location.host}/sync`);
  socket.onmessage = (event) => {
    const msg = JSON.parse(event.data);
    if (msg.kind !== "chat") return;
    const li = document.createElement("li");
    li.textContent = msg.text;
    document.getElementById("log").append(li);
  };
  socket.onclose = () => setTimeout(connect, Math.min(30000, 1000 * 2 ** attempt++));
  setInterval(() => socket.readyState === 1 && socket.send('{"kind":"ping"}'), 25000);
}
document.getElementById("send").onclick = () => {
  if (socket.readyState !== 1) return;
  socket.send(JSON.stringify({ kind: "chat", text: document.getElementById("text").value }));
};
connect();
