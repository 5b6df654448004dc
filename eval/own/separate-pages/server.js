const http = require("http");
const { WebSocketServer } = require("ws");

const server = http.createServer();
const wss = new WebSocketServer({ server, path: "/queue" });

wss.on("connection", (ws, req) => {
  if (req.headers.origin !== "https://queue.example.com") return ws.close(1008);
  ws.on("message", (data) => {
    wss.clients.forEach((c) => c.readyState === 1 && c.send(data.toString()));
  });
});

server.listen(3000, "127.0.0.1");
