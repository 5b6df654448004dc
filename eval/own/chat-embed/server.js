const http = require("http");
const { WebSocketServer } = require("ws");

const ALLOWED = new Set(["https://board.example.com"]);
const server = http.createServer();
const wss = new WebSocketServer({
  server,
  path: "/sync",
  verifyClient: (info) => ALLOWED.has(info.origin),
});

// relay: every message goes to every other client, nothing is kept
wss.on("connection", (ws) => {
  ws.on("message", (data) => {
    for (const client of wss.clients) {
      if (client !== ws && client.readyState === 1) client.send(data.toString());
    }
  });
});

server.listen(8080, "127.0.0.1");
