const scheme = location.protocol === "https:" ? "wss:" : "ws:";
const socket = new WebSocket(`${scheme}//${location.host}/rooms`);
socket.onopen = () => socket.send(JSON.stringify({ type: "join", room: new URLSearchParams(location.search).get("r") }));
socket.onmessage = (event) => {
  const msg = JSON.parse(event.data);
  if (msg.type !== "message") return;
  const li = document.createElement("li");
  li.textContent = `${msg.user}: ${msg.text}`;
  document.getElementById("history").append(li);
};
document.getElementById("send").onclick = () => {
  socket.send(JSON.stringify({ type: "say", text: document.getElementById("msg").value }));
};
