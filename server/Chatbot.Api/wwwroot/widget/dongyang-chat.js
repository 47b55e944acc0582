// <dongyang-chat> — the partner-site chat widget.
// Plain JS, no dependencies, no inline script or eval, so it runs under a strict CSP.
// Everything it draws lives in a closed shadow root: host CSS cannot restyle it and host scripts cannot read it.
(() => {
  "use strict";
  if (customElements.get("dongyang-chat")) return;

  const scriptUrl = new URL(document.currentScript ? document.currentScript.src : "/widget/dongyang-chat.js", location.href);
  const serverOrigin = scriptUrl.origin;

  const strings = {
    ko: {
      title: "동양생명 챗봇", greeting: "안녕하세요! 보험금 청구, 보험료 납입, 해지환급금, 보험계약대출 등 궁금한 점을 물어보세요.",
      open: "챗봇 열기", close: "닫기", placeholder: "질문을 입력하세요", send: "보내기", sources: "출처",
      thinking: "답변을 준비하고 있습니다…", failed: "답변을 가져오지 못했습니다. 잠시 후 다시 시도해 주세요.",
      newChat: "새 대화", page: "쪽", input: "질문 입력", log: "대화 내용",
      suggestions: ["보험금 청구할 때 필요한 서류는 뭐예요?", "보험료를 못 내면 어떻게 되나요?", "해지환급금이 뭐예요?"],
    },
    en: {
      title: "Dongyang Life Chat", greeting: "Hello! Ask about claims, premiums, surrender values, policy loans and more.",
      open: "Open chat", close: "Close", placeholder: "Type your question", send: "Send", sources: "Sources",
      thinking: "Preparing an answer…", failed: "Could not get an answer. Please try again shortly.",
      newChat: "New chat", page: "p.", input: "Question", log: "Conversation",
      suggestions: ["What documents do I need for a claim?", "What happens if I miss a premium?", "What is a surrender value?"],
    },
  };

  const css = `
    :host { all: initial; position: fixed; bottom: 20px; right: 20px; z-index: 2147483000; font-family: system-ui, "Apple SD Gothic Neo", "Noto Sans KR", sans-serif; font-size: 15px; color: #1d2330; }
    :host([position="bottom-left"]) { right: auto; left: 20px; }
    * { box-sizing: border-box; }
    .launcher { width: 60px; height: 60px; border-radius: 50%; border: 0; background: var(--primary, #00539f); color: #fff; font-size: 26px; cursor: pointer; box-shadow: 0 4px 14px rgba(0,0,0,.25); }
    .launcher:focus-visible, button:focus-visible, textarea:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }
    .panel { display: none; flex-direction: column; width: 380px; height: 600px; max-height: calc(100vh - 100px); background: #fff; border-radius: 14px; box-shadow: 0 8px 30px rgba(0,0,0,.25); overflow: hidden; margin-bottom: 12px; }
    :host([data-open]) .panel { display: flex; }
    header { display: flex; align-items: center; gap: 8px; padding: 12px 14px; background: var(--primary, #00539f); color: #fff; }
    header h2 { flex: 1; margin: 0; font-size: 16px; }
    header button { background: transparent; color: #fff; border: 1px solid rgba(255,255,255,.6); border-radius: 6px; padding: 4px 8px; cursor: pointer; font: inherit; font-size: 13px; }
    .log { flex: 1; overflow-y: auto; padding: 14px; display: flex; flex-direction: column; gap: 10px; background: #f5f7fa; }
    .msg { max-width: 88%; padding: 10px 12px; border-radius: 12px; white-space: pre-wrap; line-height: 1.5; word-break: keep-all; overflow-wrap: anywhere; }
    .user { align-self: flex-end; background: var(--primary, #00539f); color: #fff; }
    .bot { align-self: flex-start; background: #fff; border: 1px solid #dde3ea; }
    .bot.declined { border-color: #e0b400; }
    .sources { margin-top: 8px; font-size: 13px; white-space: normal; }
    .sources summary { cursor: pointer; color: #00539f; }
    .sources li { margin: 6px 0; }
    .sources blockquote { margin: 4px 0 0; padding-left: 8px; border-left: 3px solid #dde3ea; color: #4a5566; }
    .chips { display: flex; flex-wrap: wrap; gap: 6px; }
    .chips button { border: 1px solid #00539f; color: #00539f; background: #fff; border-radius: 16px; padding: 5px 10px; cursor: pointer; font: inherit; font-size: 13px; }
    form { display: flex; gap: 8px; padding: 10px; border-top: 1px solid #dde3ea; background: #fff; }
    textarea { flex: 1; resize: none; height: 44px; padding: 10px; border: 1px solid #b8c2cf; border-radius: 8px; font: inherit; font-size: 16px; }
    form button { border: 0; border-radius: 8px; padding: 0 14px; background: var(--primary, #00539f); color: #fff; font: inherit; cursor: pointer; }
    form button:disabled { opacity: .5; cursor: default; }
    .typing { color: #4a5566; font-style: italic; }
    @media (max-width: 640px) {
      :host([data-open]) { inset: 0; }
      :host([data-open]) .panel { width: 100vw; height: 100dvh; max-height: none; border-radius: 0; margin: 0; }
      :host([data-open]) .launcher { display: none; }
    }
    @media (prefers-color-scheme: dark) {
      .panel { background: #1b1f27; color: #e8ecf2; }
      .log { background: #12151b; }
      .bot { background: #1b1f27; border-color: #3a4250; color: #e8ecf2; }
      form { background: #1b1f27; border-color: #3a4250; }
      textarea { background: #12151b; color: #e8ecf2; border-color: #3a4250; }
      .sources blockquote { color: #b7c0cc; }
      .sources summary, .chips button { color: #8cc4ff; border-color: #8cc4ff; background: transparent; }
    }`;

  class DongyangChat extends HTMLElement {
    #root; #log; #input; #sendButton; #busy = false; #t; #storageKey;

    connectedCallback() {
      if (this.#root) return;
      this.#t = strings[this.getAttribute("lang") === "en" ? "en" : "ko"];
      this.#storageKey = `dongyang-chat:${this.getAttribute("site-key") || "default"}:conversation`;
      this.#root = this.attachShadow({ mode: "closed" });
      const style = document.createElement("style");
      if (this.getAttribute("nonce")) style.setAttribute("nonce", this.getAttribute("nonce"));
      style.textContent = css;
      const color = this.getAttribute("primary-color");
      if (color && /^#[0-9a-f]{3,8}$/i.test(color)) this.style.setProperty("--primary", color);
      this.#root.append(style, this.#buildPanel(), this.#buildLauncher());
      if (this.hasAttribute("open")) this.open();
      this.dispatchEvent(new CustomEvent("ready"));
    }

    open() {
      if (this.hasAttribute("data-open")) return;
      this.setAttribute("data-open", "");
      this.#launcher.setAttribute("aria-expanded", "true");
      if (!this.#log.childElementCount) this.#restore();
      this.#input.focus();
      this.dispatchEvent(new CustomEvent("open"));
    }

    close() {
      if (!this.hasAttribute("data-open")) return;
      this.removeAttribute("data-open");
      this.#launcher.setAttribute("aria-expanded", "false");
      this.#launcher.focus();
      this.dispatchEvent(new CustomEvent("close"));
    }

    toggle() { this.hasAttribute("data-open") ? this.close() : this.open(); }

    send(text) { this.open(); return this.#ask(String(text || "")); }

    reset() {
      localStorage.removeItem(this.#storageKey);
      this.#log.replaceChildren();
      this.#greet();
    }

    get #launcher() { return this.#root.querySelector(".launcher"); }

    #buildLauncher() {
      const button = el("button", { class: "launcher", type: "button", "aria-label": this.#t.open, "aria-expanded": "false" }, "💬");
      button.addEventListener("click", () => this.toggle());
      return button;
    }

    #buildPanel() {
      const title = this.getAttribute("title") || this.#t.title;
      const panel = el("section", { class: "panel", role: "dialog", "aria-label": title });
      const header = el("header", {}, el("h2", {}, title));
      const reset = el("button", { type: "button" }, this.#t.newChat);
      reset.addEventListener("click", () => this.reset());
      const close = el("button", { type: "button", "aria-label": this.#t.close }, "✕");
      close.addEventListener("click", () => this.close());
      header.append(reset, close);
      this.#log = el("div", { class: "log", role: "log", "aria-live": "polite", "aria-label": this.#t.log });
      const form = el("form");
      this.#input = el("textarea", { placeholder: this.#t.placeholder, "aria-label": this.#t.input, maxlength: "2000", rows: "1" });
      this.#sendButton = el("button", { type: "submit" }, this.#t.send);
      form.append(this.#input, this.#sendButton);
      form.addEventListener("submit", (e) => { e.preventDefault(); this.#ask(this.#input.value); });
      this.#input.addEventListener("keydown", (e) => {
        if (e.key === "Enter" && !e.shiftKey && !e.isComposing) { e.preventDefault(); this.#ask(this.#input.value); }
      });
      panel.addEventListener("keydown", (e) => { if (e.key === "Escape") this.close(); });
      panel.append(header, this.#log, form);
      return panel;
    }

    #greet() {
      this.#log.append(el("div", { class: "msg bot" }, this.getAttribute("greeting") || this.#t.greeting));
      this.#log.append(this.#chips(this.#t.suggestions));
    }

    async #restore() {
      const id = localStorage.getItem(this.#storageKey);
      if (!id) { this.#greet(); return; }
      try {
        const response = await fetch(`${serverOrigin}/api/conversations/${encodeURIComponent(id)}/messages`, { headers: this.#headers() });
        if (!response.ok) throw new Error(String(response.status));
        const history = await response.json();
        this.#greet();
        for (const m of history.messages) {
          if (m.role === "user") this.#log.append(el("div", { class: "msg user" }, m.content));
          else this.#renderAnswer(this.#log.appendChild(el("div", { class: "msg bot" })), m.content, m.citations, m.grounded);
        }
        this.#scroll();
      } catch {
        localStorage.removeItem(this.#storageKey);
        this.#greet();
      }
    }

    #headers() {
      return { "Content-Type": "application/json", "X-Site-Key": this.getAttribute("site-key") || "" };
    }

    async #ask(text) {
      text = text.trim();
      if (!text || this.#busy) return;
      this.#busy = true;
      this.#sendButton.disabled = true;
      this.#input.value = "";
      for (const chips of this.#log.querySelectorAll(".chips")) chips.remove();
      this.#log.append(el("div", { class: "msg user" }, text));
      const bubble = this.#log.appendChild(el("div", { class: "msg bot", "aria-busy": "true" }, el("span", { class: "typing" }, this.#t.thinking)));
      this.#scroll();
      let answer = "", citations = [], completed = null;
      try {
        const response = await fetch(`${serverOrigin}/api/chat/stream`, {
          method: "POST",
          headers: this.#headers(),
          body: JSON.stringify({ message: text, conversationId: localStorage.getItem(this.#storageKey), clientMessageId: crypto.randomUUID() }),
        });
        if (response.status === 404) { localStorage.removeItem(this.#storageKey); }
        if (!response.ok || !response.body) throw new Error(String(response.status));
        for await (const event of readEvents(response.body)) {
          if (event.type === "accepted") localStorage.setItem(this.#storageKey, event.conversationId);
          else if (event.type === "delta") { answer += event.text; bubble.textContent = answer; this.#scroll(); }
          else if (event.type === "citations") citations = event.citations;
          else if (event.type === "completed") completed = event;
          else if (event.type === "error") throw new Error(event.message);
        }
        if (!completed) throw new Error("incomplete");
        this.#renderAnswer(bubble, answer, citations, completed.grounded);
        if (completed.suggestions.length) this.#log.append(this.#chips(completed.suggestions));
        this.dispatchEvent(new CustomEvent("message", { detail: { question: text, answer, grounded: completed.grounded, citations } }));
      } catch (error) {
        bubble.textContent = answer ? `${answer}\n\n${this.#t.failed}` : this.#t.failed;
        this.dispatchEvent(new CustomEvent("error", { detail: { message: String(error && error.message || error) } }));
      } finally {
        bubble.removeAttribute("aria-busy");
        this.#busy = false;
        this.#sendButton.disabled = false;
        this.#scroll();
      }
    }

    #renderAnswer(bubble, text, citations, grounded) {
      bubble.textContent = text;
      if (grounded === false) bubble.classList.add("declined");
      if (!citations || !citations.length) return;
      const list = el("ol");
      for (const c of citations) {
        const where = [c.title, c.section, c.page ? `${c.page}${this.#t.page}` : ""].filter(Boolean).join(" · ");
        list.append(el("li", { value: String(c.index) }, el("strong", {}, where), el("blockquote", {}, c.snippet)));
      }
      bubble.append(el("details", { class: "sources" }, el("summary", {}, `${this.#t.sources} (${citations.length})`), list));
    }

    #chips(questions) {
      const chips = el("div", { class: "chips" });
      for (const q of questions) {
        const chip = el("button", { type: "button" }, q);
        chip.addEventListener("click", () => this.#ask(q));
        chips.append(chip);
      }
      return chips;
    }

    #scroll() { this.#log.scrollTop = this.#log.scrollHeight; }
  }

  function el(tag, attributes = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, value);
    for (const child of children) node.append(child);
    return node;
  }

  // Server-sent events over fetch, so the request can carry a body and headers.
  async function* readEvents(body) {
    const reader = body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const data = block.split("\n").filter((line) => line.startsWith("data:")).map((line) => line.slice(5).trim()).join("\n");
        if (data) yield JSON.parse(data);
      }
    }
  }

  customElements.define("dongyang-chat", DongyangChat);
})();
