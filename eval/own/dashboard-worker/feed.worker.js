const FEED = "wss://metrics.example.com/live";
const window_ = [];

const socket = new WebSocket(FEED);
socket.addEventListener("message", (event) => {
  const msg = JSON.parse(event.data);
  if (msg.type !== "sample") return;
  window_.push(msg.value);
  if (window_.length > 200) window_.shift();
  postMessage(window_.slice());
});
