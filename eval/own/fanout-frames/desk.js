// One socket for the whole page, fanned out to the widget frames.
const FEED = "wss://feed.example.com/quotes";
const SELF = location.origin;
let attempt = 0;

function connect() {
  const socket = new WebSocket(FEED);
  let silence;
  const arm = () => {
    clearTimeout(silence);
    silence = setTimeout(() => socket.close(), 45000);
  };
  socket.onopen = () => { attempt = 0; arm(); };
  socket.onmessage = (event) => {
    arm();
    for (const id of ["ticker", "orders"]) {
      document.getElementById(id).contentWindow.postMessage(event.data, SELF);
    }
  };
  socket.onclose = () => setTimeout(connect, Math.random() * Math.min(30000, 1000 * 2 ** attempt++));
}
connect();
