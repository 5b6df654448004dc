import { useEffect, useRef, useState } from "react";

export function deckUrl() {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/deck`;
}

export function useDeck() {
  const [slides, setSlides] = useState([]);
  const socket = useRef(null);
  useEffect(() => {
    const ws = new WebSocket(deckUrl());
    ws.onmessage = (event) => setSlides(JSON.parse(event.data).slides);
    socket.current = ws;
    return () => ws.close();
  }, []);
  const update = (next) => {
    setSlides(next);
    if (socket.current?.readyState === WebSocket.OPEN) {
      socket.current.send(JSON.stringify({ slides: next }));
    }
  };
  return [slides, update];
}
