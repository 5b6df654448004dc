const EVENTS = "wss://photos.example.com/events";
let attempt = 0;
const channel = new MessageChannel();

// thumbnails are made in a worker; it hears about server events through a port, not its own socket
const worker = new Worker("thumbs.worker.js");
worker.postMessage({ port: channel.port2 }, [channel.port2]);

function connect() {
  const ws = new WebSocket(EVENTS);
  ws.onmessage = (event) => channel.port1.postMessage(event.data);
  ws.onclose = () => setTimeout(connect, Math.min(30000, 1000 * 2 ** attempt++));
  setInterval(() => ws.readyState === 1 && ws.send("ping"), 25000);
}

// uploads go to a separate upload worker with its own, different endpoint
const uploader = new Worker("upload.worker.js");
document.getElementById("pick").onchange = (e) => uploader.postMessage([...e.target.files]);
uploader.onmessage = (e) => { document.getElementById("p").value = e.data; };
connect();
