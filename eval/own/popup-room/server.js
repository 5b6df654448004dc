const http = require("http");
const { WebSocketServer } = require("ws");
const { userFromCookie } = require("./session");

const server = http.createServer();
const wss = new WebSocketServer({
  server,
  path: "/rooms",
  verifyClient: ({ origin }) => origin === "https://rooms.example.com",
});
const rooms = new Map(); // name -> { members: Set<ws>, history: [] }

wss.on("connection", (ws, req) => {
  ws.user = userFromCookie(req.headers.cookie);
  ws.send(JSON.stringify({ rooms: [...rooms].map(([name, r]) => ({ name, members: r.members.size })) }));
  ws.on("message", (raw) => {
    const msg = JSON.parse(raw.toString());
    if (msg.type === "join") {
      if (!rooms.has(msg.room)) rooms.set(msg.room, { members: new Set(), history: [] });
      ws.room = msg.room;
      rooms.get(msg.room).members.add(ws);
      return;
    }
    if (msg.type === "say" && ws.room) {
      const room = rooms.get(ws.room);
      const entry = { type: "message", user: ws.user.name, text: String(msg.text).slice(0, 500), at: Date.now() };
      room.history.push(entry);
      for (const member of room.members) member.send(JSON.stringify(entry));
    }
  });
  ws.on("close", () => ws.room && rooms.get(ws.room).members.delete(ws));
});

server.listen(3000, "127.0.0.1");
