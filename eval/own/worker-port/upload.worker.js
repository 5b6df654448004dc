onmessage = (event) => {
  const files = event.data;
  const ws = new WebSocket("wss://photos.example.com/upload");
  ws.binaryType = "arraybuffer";
  ws.onopen = async () => {
    let done = 0;
    for (const f of files) {
      ws.send(await f.arrayBuffer());
      postMessage(Math.round((++done / files.length) * 100));
    }
    ws.close();
  };
};
