/* Tells the loader on the host page that the chat page itself arrived (the browser showed it and the server answered),
 * before the app starts; without it the loader shows a friendly error instead of an empty panel. */
(() => {
  "use strict";
  const query = new URLSearchParams(location.search);
  const origin = query.get("origin");
  if (window.parent === window || !origin || !/^https?:\/\/[^/]+$/.test(origin)) return;
  window.parent.postMessage({ source: "dongyang-chat", id: query.get("id"), type: "loading" }, origin);
})();
