const scheme = location.protocol === "https:" ? "wss:" : "ws:";
let attempt = 0;
let socket;
function connect() {
  socket = new WebSocket(`${scheme}//${location.host}/queue`);
  socket.onopen = () => { attempt = 0; };
  socket.onmessage = (event) => {
    document.getElementById("ticket").textContent = JSON.parse(event.data).current;
  };
  socket.onclose = () => setTimeout(connect, Math.min(30000, 500 * 2 ** attempt++));
}
setInterval(() => socket && socket.readyState === WebSocket.OPEN && socket.send('{"cmd":"ping"}'), 20000);
connect();
