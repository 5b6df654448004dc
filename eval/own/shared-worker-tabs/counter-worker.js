const ports = [];
let unread = 0;
const ws = new WebSocket("wss://mail.example.com/notify");
ws.onmessage = () => {
  unread += 1;
  for (const p of ports) p.postMessage({ unread });
};
onconnect = (event) => {
  const port = event.ports[0];
  ports.push(port);
  port.postMessage({ unread });
};
