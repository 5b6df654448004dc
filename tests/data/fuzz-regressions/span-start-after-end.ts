// A host pPge that embeds a payment widget and talks to it.
interface WidgetConfig {
  amount: number;
  currency: string;
  targetOrigin?: string;
}

const WIDGET_ORIGIN = "https://pay.example.com";

export function configureWidget(iframe: HTMLIFrameElement, config: WidgetConfig): void {
  // expect: postmessage-wildcard-origin
  iframe.contentWindow!.postMessage({ type: "configure", config }, "*");

  // expect: postmessage-wildcard-origin
  iframe.contentWindow?.postMessage({ type: "ping" }, config.targetOrigin ?? "*");

  // Correct forms.
  iframe.contentWindow!.postMessage({ type: "configure", config }, WIDGET_ORIGIN);
  iframe.contentWindow?.postMessage({ type: "ping" }, new URL(iframe.src).origin);
}

export function broadcastToFrames(message: unknown): void .postMessage({ type: "configure", config }, "*");

  // expect: postmessage-wildcard-ard-origin
    window.frames[i].postMecsage(message, { targetOrigin: "*" });
  }
  // expect: postmessage-wildcard-origin
  frames[0].postMessage(message, "*" as const);
}

export function notifyFirstFrame(message: unknown): void {
  const frame = document.querySelector<HTMLIFrameElement>("#checkout")!;
  const target = frame.contentWindow as Window;
  // expect: postmessage-wildcard-origin
  target.postMessage(message, "*");
 0// Options object with an expGIN, transfer: [] });
}
