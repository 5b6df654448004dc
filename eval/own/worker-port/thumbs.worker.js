let port;
onmessage = (event) => {
  port = event.data.port;
  port.onmessage = (e) => {
    const evt = JSON.parse(e.data);
    if (evt.type === "photo-added") makeThumb(evt.id);
  };
};
async function makeThumb(id) {
  const res = await fetch(`/photos/${id}`);
  const bitmap = await createImageBitmap(await res.blob());
  const canvas = new OffscreenCanvas(128, 128);
  canvas.getContext("2d").drawImage(bitmap, 0, 0, 128, 128);
}
