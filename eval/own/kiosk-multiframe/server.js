const http = require("http");
const { WebSocketServer } = require("ws");

const server = http.createServer();
const wss = new WebSocketServer({
  server,
  path: "/telemetry",
  verifyClient: (info) => info.origin === "https://floor.example.com",
});

// every frame the PLCs or a panel send is echoed to everybody
wss.on("connection", (ws) => {
  ws.on("message", (data) => {
    wss.clients.forEach((client) => client.send(data.toString()));
  });
});
server.listen(9000, "127.0.0.1");
