const scheme = location.protocol === "https:" ? "wss:" : "ws:";
let attempt = 0;
function connect() {
  const socket = new WebSocket(`${scheme}//${location.host}/sync`);
  socket.onmessage = (event) => {
    const msg = JSON.parse(event.data);
    if (msg.kind === "card") renderCard(msg);
  };
  socket.onclose = () => setTimeout(connect, Math.min(30000, 1000 * 2 ** attempt++));
  setInterval(() => socket.readyState === 1 && socket.send('{"kind":"ping"}'), 25000);
}
function renderCard(msg) {
  const el = document.createElement("div");
  el.textContent = msg.title;
  document.getElementById("board").append(el);
}
connect();
