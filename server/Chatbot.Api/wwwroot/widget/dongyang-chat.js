/*! Dongyang Chat loader: <dongyang-chat site-key="pk_..."></dongyang-chat>. Draws the launcher at once; the chat
 * app (Blazor WebAssembly, in an iframe served by the chat server) loads only on open, or on a hover/focus hint. */
(() => {
  "use strict";
  if (!window.customElements || customElements.get("dongyang-chat")) return;

  const script = document.currentScript;
  const base = new URL(".", script && script.src ? script.src : location.href);
  const server = base.origin;
  const frameUrl = new URL("app/index.html", base);
  let count = 0;

  // What the customer reads when the chat cannot start, by the reason the server (or the browser) gives. The
  // counsellor line comes from the server's configuration (/api/widget/config), never from this file.
  const text = {
    ko: { open: "채팅 상담 열기", close: "채팅 닫기", frame: "동양생명 상담 챗봇", unread: "읽지 않은 메시지", retry: "다시 시도",
      unavailable: "지금은 상담 챗봇 서버에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요.",
      origin_not_allowed: "이 웹사이트에는 상담 챗봇 사용이 허용되어 있지 않아 채팅을 시작할 수 없습니다.",
      site_key: "이 사이트에서는 상담을 이용할 수 없습니다.",
      csp_blocked: "이 페이지의 보안 설정 때문에 채팅을 불러오지 못했습니다.",
      contact: (c) => `급하신 용무는 고객센터 ${c.phone}(${c.hours})로 전화해 주세요.` },
    en: { open: "Open chat", close: "Close chat", frame: "Dongyang Life chat", unread: "unread messages", retry: "Try again",
      unavailable: "The chat server cannot be reached right now. Please try again in a moment.",
      origin_not_allowed: "This website is not allowed to use the chat, so it cannot start here.",
      site_key: "Chat is not available on this site.",
      csp_blocked: "This page's security settings kept the chat from loading.",
      contact: (c) => `For urgent matters, call our customer centre on ${c.phone} (${c.hours}).` },
  };

  // Every rule is !important inside the shadow root: host-page rules, even `* { all: unset !important }`, lose to them.
  const css = `
:host{all:initial!important;display:block!important;position:static!important;font:14px/1.4 system-ui,sans-serif!important;color-scheme:light dark}
:host([hidden]){display:none!important}
*{box-sizing:border-box!important}
.l{all:initial!important;position:fixed!important;z-index:2147483646!important;bottom:20px!important;right:20px!important;width:56px!important;height:56px!important;border-radius:50%!important;background:var(--c,#b3261e)!important;color:#fff!important;cursor:pointer!important;box-shadow:0 4px 14px rgba(0,0,0,.3)!important;display:flex!important;align-items:center!important;justify-content:center!important}
.l:focus-visible{outline:3px solid #1a56db!important;outline-offset:3px!important}
.l svg{width:28px!important;height:28px!important;fill:currentColor!important;display:block!important}
.b{all:initial!important;position:absolute!important;top:-4px!important;right:-4px!important;min-width:22px!important;height:22px!important;padding:0 6px!important;border-radius:11px!important;background:#fff!important;color:#b3261e!important;border:2px solid #b3261e!important;font:700 12px/18px system-ui,sans-serif!important;text-align:center!important}
.b[hidden]{display:none!important}
.p{all:initial!important;position:fixed!important;z-index:2147483647!important;bottom:88px!important;right:20px!important;width:380px!important;height:min(640px,calc(100dvh - 108px))!important;border-radius:16px!important;overflow:hidden!important;box-shadow:0 12px 40px rgba(0,0,0,.3)!important;background:#fff!important;display:none!important}
.p.o{display:block!important}
.left .l{left:20px!important;right:auto!important}
.left .p{left:20px!important;right:auto!important}
.n .l{display:none!important}
.n .p{bottom:20px!important}
iframe{all:initial!important;display:block!important;width:100%!important;height:100%!important;border:0!important}
.f{all:initial!important;display:block!important;padding:24px!important;font:15px/1.6 system-ui,sans-serif!important;color:#1a1a1a!important}
.f button{all:initial!important;display:inline-block!important;margin:16px 8px 0 0!important;padding:8px 16px!important;border-radius:8px!important;background:var(--c,#b3261e)!important;color:#fff!important;font:600 14px system-ui,sans-serif!important;cursor:pointer!important}
.f button+button{background:#595959!important}
.f button:focus-visible{outline:3px solid #1a56db!important;outline-offset:2px!important}
@media (max-width:640px){.p{inset:0!important;width:100%!important;height:100dvh!important;border-radius:0!important}.o~.l,.l.x{display:none!important}}
@media (prefers-color-scheme:dark){.p{background:#1c1c1e!important}.f{color:#f2f2f2!important}}`;

  // The server's limits for a page context (ChatLimits in Dongyang.Chat.Protocol): checked here too, so that a page
  // gets a clear console error at the call instead of a failed question later.
  const contextLimits = { entries: 20, key: 40, value: 200 };

  // A flat map of text, numbers and booleans, as text; or the reason it is refused.
  function checkContext(context) {
    if (context === null || context === undefined) return {};
    if (typeof context !== "object" || Array.isArray(context)) return "expected an object such as { page: \"/products/cancer\", product: \"무배당 암보험\" }.";
    const entries = Object.entries(context);
    if (entries.length > contextLimits.entries) return `it has ${entries.length} keys; at most ${contextLimits.entries} are allowed.`;
    const result = {};
    for (const [key, value] of entries) {
      if (!key.trim() || key.length > contextLimits.key) return `the key "${key.slice(0, 60)}" must be 1 to ${contextLimits.key} characters.`;
      if (!["string", "number", "boolean"].includes(typeof value) || (typeof value === "number" && !Number.isFinite(value))) return `the value of "${key}" must be text, a number or a boolean (no objects, arrays or null).`;
      const text = String(value);
      if (text.length > contextLimits.value) return `the value of "${key}" is ${text.length} characters; at most ${contextLimits.value} are allowed.`;
      result[key] = text;
    }
    return result;
  }

  let sheet = null;
  try { sheet = new CSSStyleSheet(); sheet.replaceSync(css); } catch { sheet = null; }

  class DongyangChat extends HTMLElement {
    static get observedAttributes() { return ["lang", "position", "primary-color", "open", "launcher"]; }

    constructor() {
      super();
      this._id = String(++count);
      this._queue = [];
      this._ready = false;
      this._open = false;
      this._unread = 0;
      this._frame = null;
      this._root = this.attachShadow({ mode: "open" });
      this._onMessage = (e) => this._receive(e);
    }

    connectedCallback() {
      if (this._drawn) return;
      this._drawn = true;
      const r = this._root;
      if (sheet) r.adoptedStyleSheets = [sheet];
      else {
        const s = document.createElement("style");
        const nonce = this.getAttribute("nonce") || (script && script.nonce);
        if (nonce) s.nonce = nonce;
        s.textContent = css;
        r.append(s);
      }
      this._wrap = document.createElement("div");
      this._panel = document.createElement("div");
      this._panel.className = "p";
      this._launcher = document.createElement("button");
      this._launcher.type = "button";
      this._launcher.className = "l";
      this._launcher.setAttribute("aria-haspopup", "dialog");
      this._launcher.setAttribute("aria-expanded", "false");
      this._launcher.innerHTML = '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01zm5 0a1.5 1.5 0 1 0 0 .01z"/></svg><span class="b" hidden></span>';
      this._badge = this._launcher.querySelector(".b");
      this._wrap.append(this._panel, this._launcher);
      r.append(this._wrap);

      const hint = () => this._load();
      this._launcher.addEventListener("pointerenter", hint, { once: true });
      this._launcher.addEventListener("focus", hint, { once: true });
      this._launcher.addEventListener("click", () => this.toggle());
      this._panel.addEventListener("keydown", (e) => { if (e.key === "Escape") this.close(); });
      window.addEventListener("message", this._onMessage);
      // The page's own Content-Security-Policy may refuse the frame (frame-src without the chat server).
      this._onViolation = (e) => { if (this._frame && /^frame-src|^child-src|^default-src/.test(e.effectiveDirective || e.violatedDirective || "") && String(e.blockedURI).startsWith(server)) this._cspBlocked = true; };
      document.addEventListener("securitypolicyviolation", this._onViolation);
      this._style();
      if (this.hasAttribute("open")) this.open();

      // Calls queued on the page before this script loaded: (window.dongyangChat = window.dongyangChat || []).push(["open"]).
      // The first element on the page owns the queue from then on, whether or not anything was queued.
      const pending = window.dongyangChat;
      if ((pending === undefined || Array.isArray(pending)) && this === document.querySelector("dongyang-chat")) {
        window.dongyangChat = { owner: this, push: (c) => this._call(c) };
        (pending || []).forEach((c) => this._call(c));
      }
    }

    disconnectedCallback() {
      window.removeEventListener("message", this._onMessage);
      document.removeEventListener("securitypolicyviolation", this._onViolation);
    }

    // Removes the chat from the page: the frame (and the connection it holds), the launcher and every listener. The
    // conversation stays on the server; a new element on the page picks it up again (reset() starts a new one).
    destroy() {
      if (this._destroyed) return;
      this._destroyed = true;
      clearTimeout(this._watch);
      if (this._frame) this._frame.remove();
      this._frame = null;
      this._ready = false;
      this._queue = [];
      if (window.dongyangChat && window.dongyangChat.owner === this) window.dongyangChat = [];
      this._emit("destroy");
      this.remove();
    }

    // For a page that opens the chat from its own button (launcher="none" does the same from the markup).
    hideLauncher() { this.setAttribute("launcher", "none"); }
    showLauncher() { this.removeAttribute("launcher"); }

    attributeChangedCallback(name) {
      if (!this._drawn) return;
      if (name === "open") { if (this.hasAttribute("open")) this.open(); else this.close(); }
      else this._style();
    }

    open() {
      if (this._destroyed) return;
      this._load();
      if (this._open) return;
      this._open = true;
      this._panel.classList.add("o");
      this._launcher.classList.add("x");
      this._setUnread(0);
      this._style();
      this._post({ type: "open" });
      if (this._ready) this._frame.focus();
      this._emit("open");
    }

    close() {
      if (!this._open) return;
      this._open = false;
      this._panel.classList.remove("o");
      this._launcher.classList.remove("x");
      this._style();
      this._launcher.focus({ preventScroll: true });
      this._emit("close");
    }

    toggle() { if (this._open) this.close(); else this.open(); }

    send(message) {
      if (typeof message !== "string" || !message.trim()) return;
      this._load();
      this._post({ type: "send", text: message.slice(0, 2000) });
    }

    // Kept, not sent, until the chat app is ready (setUser on every page view must not load it), then sent first.
    setUser(user) {
      const u = user || {};
      // hashExpires: the unix seconds the partner signed with the id ("id.expires"), when it signed an expiry.
      const expires = Number.isSafeInteger(Number(u.hashExpires)) && Number(u.hashExpires) > 0 ? Number(u.hashExpires) : null;
      this._user = { type: "user", text: JSON.stringify({ id: String(u.id || ""), name: String(u.name || ""), hash: String(u.hash || ""), hashExpires: expires }) };
      if (this._ready) this._post(this._user);
    }

    reset() { this._post({ type: "reset" }); }

    // Page or product context ({ page: "/products/cancer", product: "무배당 암보험" }), sent with the next question and
    // stored with the conversation (masked) for the counsellor. Like setUser it is kept, not sent, until the chat app
    // is ready, so calling it on every page view loads nothing. null clears it; anything else outside the limits is
    // refused with a console error and not sent (the context set before stays).
    setContext(context) {
      const checked = checkContext(context);
      if (typeof checked === "string") { console.error("Dongyang Chat: setContext refused: " + checked); return; }
      this._context = { type: "context", text: JSON.stringify(checked) };
      if (this._ready) this._post(this._context);
    }

    _call(c) {
      if (Array.isArray(c) && ["open", "close", "toggle", "send", "setUser", "setContext", "reset", "hideLauncher", "showLauncher", "destroy"].includes(c[0])) this[c[0]](...c.slice(1));
    }

    // The count of answers that arrived while the chat was closed, shown on the launcher and told to the page.
    _setUnread(count) {
      if (count === this._unread) return;
      this._unread = count;
      this._emit("unread", { count });
    }

    _lang() { return this.getAttribute("lang") === "en" ? "en" : "ko"; }

    _style() {
      const t = text[this._lang()];
      this._wrap.className = (this.getAttribute("position") === "bottom-left" ? "left" : "") + (this.getAttribute("launcher") === "none" ? " n" : "");
      const color = this.getAttribute("primary-color");
      if (color && CSS.supports("color", color)) this._wrap.style.setProperty("--c", color);
      this._launcher.setAttribute("aria-label", this._open ? t.close : t.open);
      this._launcher.setAttribute("aria-expanded", String(this._open));
      this._badge.hidden = this._open || !this._unread;
      this._badge.textContent = String(this._unread);
      this._badge.setAttribute("aria-label", this._unread + " " + t.unread);
    }

    _load() {
      if (this._frame || this._destroyed) return;
      const q = new URLSearchParams({ id: this._id, origin: location.origin, lang: this._lang() });
      if (this._user) q.set("user", "1");
      for (const [attr, key] of [["site-key", "siteKey"], ["title", "title"], ["greeting", "greeting"], ["primary-color", "color"]]) {
        const v = this.getAttribute(attr);
        if (v) q.set(key, v);
      }
      const f = document.createElement("iframe");
      f.src = frameUrl + "?" + q;
      f.title = this.getAttribute("title") || text[this._lang()].frame;
      f.setAttribute("referrerpolicy", "origin");
      f.setAttribute("allow", "clipboard-write");
      // A frame the browser refused (a key used off its origins) or a server that is down never says "loading"; an app
      // that loads but never starts never says "ready". Either way the customer is told, instead of an empty panel.
      f.addEventListener("load", () => setTimeout(() => { if (this._frame === f && !this._booted) this._fail(); }, 2000));
      this._watch = setTimeout(() => { if (this._frame === f && !this._ready) this._fail(); }, 90000);
      this._frame = f;
      this._panel.append(f);
    }

    // Why the chat did not start, from the server's own verdict for this page and key; a server that does not answer
    // is "unavailable". The developer gets the fix in the console, the customer a message that promises nothing.
    async _diagnose() {
      const key = this.getAttribute("site-key") || "";
      if (this._cspBlocked) {
        return { code: "csp_blocked", fix: `This page's Content-Security-Policy refused the chat frame: add ${server} to its frame-src (and connect-src).`, counsellor: null };
      }
      try {
        const q = new URLSearchParams({ siteKey: key, lang: this._lang() });
        const r = await fetch(new URL("/api/widget/config?" + q, server), { credentials: "omit", cache: "no-store", signal: AbortSignal.timeout(10000) });
        if (!r.ok) throw new Error("HTTP " + r.status);
        const c = await r.json();
        return { code: c.errorCode || "unavailable", fix: c.fix || `The chat server ${server} accepts this page and key, but the chat app did not start in the frame: check the browser console and the server's logs.`, counsellor: c.counsellor || null };
      } catch (e) {
        return { code: "unavailable", fix: `The chat server ${server} cannot be reached (${e && e.message}). Check that it is running and reachable from this page.`, counsellor: null };
      }
    }

    async _fail() {
      if (!this._frame) return;
      const t = text[this._lang()];
      clearTimeout(this._watch);
      const failed = this._frame;
      failed.remove();
      this._frame = null;
      const d = await this._diagnose();
      if (this._frame) return; // Retried meanwhile.
      console.warn(`Dongyang Chat (${d.code}): ${d.fix}`);
      const message = (t[d.code] || (d.code.startsWith("site_key") ? t.site_key : t.unavailable)) + (d.counsellor ? " " + t.contact(d.counsellor) : "");
      const box = document.createElement("div");
      box.className = "f";
      box.setAttribute("role", "alert");
      box.dataset.code = d.code;
      box.textContent = message;
      const retry = document.createElement("button");
      retry.type = "button";
      retry.textContent = t.retry;
      retry.addEventListener("click", () => { box.remove(); this._booted = false; this._cspBlocked = false; this._load(); });
      const close = document.createElement("button");
      close.type = "button";
      close.textContent = t.close;
      close.addEventListener("click", () => this.close());
      box.append(document.createElement("br"), retry, close);
      this._panel.append(box);
      if (this._open) retry.focus();
      this._emit("error", { code: d.code, message });
    }

    _post(message) {
      if (!this._ready) { this._queue.push(message); this._load(); return; }
      this._frame.contentWindow.postMessage(Object.assign({ source: "dongyang-chat-host", id: this._id }, message), server);
    }

    _receive(e) {
      // Only our own frame, from the chat server's origin, for this element.
      if (!this._frame || e.source !== this._frame.contentWindow || e.origin !== server) return;
      const m = e.data;
      if (!m || m.source !== "dongyang-chat" || m.id !== this._id) return;
      if (m.type === "loading") {
        this._booted = true;
      } else if (m.type === "ready") {
        this._ready = true;
        clearTimeout(this._watch);
        if (this._user) this._post(this._user);
        if (this._context) this._post(this._context);
        this._queue.splice(0).forEach((q) => this._post(q));
        if (this._open) this._frame.focus();
        this._emit("ready");
      } else if (m.type === "close") {
        this.close();
      } else if (m.type === "message") {
        if (!this._open) { this._setUnread(this._unread + 1); this._style(); }
        this._emit("message", m.detail);
      } else if (m.type === "error") {
        this._emit("error", m.detail);
      }
    }

    _emit(type, detail) {
      this.dispatchEvent(new CustomEvent(type, { detail: detail || null, bubbles: true, composed: true }));
    }
  }

  customElements.define("dongyang-chat", DongyangChat);
})();
