// The player and its popped-out chat window sync through the server.
const socket = new WebSocket("ws://" + location.host + "/party");
const video = document.getElementById("video");

socket.onmessage = (event) => {
  const msg = JSON.parse(event.data);
  if (msg.type === "seek") video.currentTime = msg.t;
  if (msg.type === "pause") video.pause();
};
video.onseeked = () => socket.send(JSON.stringify({ type: "seek", t: video.currentTime }));
document.getElementById("popout").onclick = () => {
  window.open("popout-chat.html", "chat", "width=360,height=600");
};
