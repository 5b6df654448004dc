const scheme = location.protocol === "https:" ? "wss:" : "ws:";
const socket = new WebSocket(`${scheme}//${location.host}/rooms`);
socket.onmessage = (event) => {
  const { rooms } = JSON.parse(event.data);
  const list = document.getElementById("rooms");
  list.textContent = "";
  for (const r of rooms) {
    const li = document.createElement("li");
    li.textContent = `${r.name} (${r.members})`;
    list.append(li);
  }
};
document.getElementById("open").onclick = () => {
  window.open("/room.html", "room", "width=480,height=640");
};
