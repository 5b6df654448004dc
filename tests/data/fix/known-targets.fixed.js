// Windows whose page this file opened or framed with a static URL: the "*" has a fix
// (the URL's origin) where every URL the window may hold shares one origin.
const CHECKOUT_URL = "https://pay.example.com/checkout?step=1";

export function pay(amount) {
  const checkout = window.open(CHECKOUT_URL, "checkout");
  // expect: postmessage-wildcard-origin
  checkout.postMessage({ type: "amount", amount }, "https://pay.example.com");
}

export function help(topic) {
  // expect: postmessage-wildcard-origin
  window.open("https://Help.Example.com:443/topics").postMessage({ topic }, 'https://help.example.com');
}

export function embedMap(container, place) {
  const map = document.createElement("iframe");
  map.src = "https://maps.example.net:8443/embed?q=here";
  map.src = "https://maps.example.net:8443/embed";
  container.appendChild(map);
  map.addEventListener("load", () => {
    // expect: postmessage-wildcard-origin
    map.contentWindow.postMessage({ type: "show", place }, { targetOrigin: "https://maps.example.net:8443" });
  });
}

// No fix: the frame may hold pages of two origins.
export function embedEither(container, beta) {
  const frame = document.createElement("iframe");
  if (beta) {
    frame.src = "https://beta.example.org/app";
  } else {
    frame.src = "https://app.example.org/app";
  }
  container.appendChild(frame);
  // expect: postmessage-wildcard-origin
  frame.contentWindow.postMessage({ type: "hello" }, "*");
}

// No fix: the URL is not known statically.
export function openReturnTo(returnTo, token) {
  const back = window.open(returnTo);
  // expect: postmessage-wildcard-origin
  back.postMessage({ token }, "*");
}

// No fix: a relative URL has the origin of this page, which the file does not tell.
export function openSettings(prefs) {
  const settings = window.open("/settings");
  // expect: postmessage-wildcard-origin
  settings.postMessage({ prefs }, "*");
}

// No fix: the "*" is a constant other calls may share.
const EVERYONE = "*";
export function notify(event) {
  const viewer = window.open("https://viewer.example.com/");
  // expect: postmessage-wildcard-origin
  viewer.postMessage(event, EVERYONE);
}

// No fix: the parent's page is not opened or framed by this code.
export function resized(height) {
  // expect: postmessage-wildcard-origin
  parent.postMessage({ height }, "*");
}
