const NOTIFY = "wss://mail.example.com/notify";

// unread counter, shared by all tabs of the app
const counter = new SharedWorker("counter-worker.js");
counter.port.onmessage = (event) => {
  document.getElementById("badge").textContent = event.data.unread;
};
counter.port.start();

// the list itself listens to the same notification stream
let attempt = 0;
function listen() {
  const ws = new WebSocket(NOTIFY);
  ws.onmessage = (event) => {
    const mail = JSON.parse(event.data);
    const li = document.createElement("li");
    li.textContent = mail.subject;
    document.getElementById("mail").prepend(li);
  };
  ws.onclose = () => setTimeout(listen, Math.min(60000, 1000 * 2 ** attempt++));
  setInterval(() => ws.readyState === 1 && ws.send("ping"), 30000);
}
listen();
