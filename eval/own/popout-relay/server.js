const express = require("express");
const expressWs = require("express-ws");

const app = express();
expressWs(app);
app.use(express.static(__dirname));

const peers = new Set();
app.ws("/party", (ws, req) => {
  if (req.headers.origin !== "http://party.lan:8000") return ws.close();
  peers.add(ws);
  ws.on("message", (data) => {
    for (const p of peers) if (p !== ws) p.send(data);
  });
  ws.on("close", () => peers.delete(ws));
});

app.listen(8000);
