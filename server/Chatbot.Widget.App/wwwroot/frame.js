// The frame's side of the postMessage bridge. Messages are accepted only from the parent window at the origin the
// loader declared, and sent only to that origin.
let hostOrigin = null;
let instanceId = "0";

export function init(app, origin, id, color) {
  hostOrigin = origin;
  instanceId = id;
  // Through CSSOM, not a style attribute, so the frame's own strict style-src holds.
  if (color && CSS.supports("color", color)) document.documentElement.style.setProperty("--dc-brand", color);
  window.addEventListener("message", (e) => {
    if (e.source !== window.parent || e.origin !== hostOrigin) return;
    const m = e.data;
    if (!m || m.source !== "dongyang-chat-host" || m.id !== instanceId || typeof m.type !== "string") return;
    app.invokeMethodAsync("OnHostMessageAsync", m.type, typeof m.text === "string" ? m.text : null);
  });
  window.addEventListener("online", () => app.invokeMethodAsync("OnOnline", true));
  window.addEventListener("offline", () => app.invokeMethodAsync("OnOnline", false));
  return navigator.onLine;
}

export function post(type, detail) {
  if (!hostOrigin || hostOrigin === "null" || window.parent === window) return;
  window.parent.postMessage({ source: "dongyang-chat", id: instanceId, type, detail: detail ?? null }, hostOrigin);
}

export function load(key) {
  try { return localStorage.getItem(key); } catch { return null; }
}

export function save(key, value) {
  try {
    if (value) localStorage.setItem(key, value); else localStorage.removeItem(key);
  } catch { /* storage blocked: the conversation lasts for this page view */ }
}
