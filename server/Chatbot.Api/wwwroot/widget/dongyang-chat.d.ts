// Type declarations for the Dongyang Chat loader (/widget/dongyang-chat.js) and its <dongyang-chat> element.
// Served beside the loader, and packed as the npm package "dongyang-chat" (sdk/npm/dongyang-chat).

/** A verified customer: the partner's own id, a display name, and the identity hash its server computed. */
export interface DongyangChatUser {
  id: string;
  name?: string;
  /**
   * Hex HMAC-SHA256 of the id with the site's identity secret, computed on the partner's server; with `hashExpires`,
   * of `id + "." + hashExpires`.
   */
  hash: string;
  /** When the signed identity expires, in unix seconds; past it the chat refuses it as `identity_expired`. */
  hashExpires?: number;
}

/**
 * Page or product context for `setContext`: a flat map of at most 20 keys (1 to 40 characters each) to text, numbers
 * or booleans (at most 200 characters as text), e.g. `{ page: "/products/cancer", product: "무배당 암보험" }`.
 */
export type DongyangChatContext = Record<string, string | number | boolean>;

/** Why the chat could not start (`error` event). */
export type DongyangChatErrorCode =
  | "origin_not_allowed"
  | "site_key_missing"
  | "site_key_invalid"
  | "site_key_disabled"
  | "csp_blocked"
  | "unavailable"
  | (string & {});

export interface DongyangChatErrorDetail {
  /** A stable code the page can branch on. */
  code: DongyangChatErrorCode;
  /** The text the customer saw. */
  message: string;
}

/** Events of the element (CustomEvent, bubbling and composed). */
export interface DongyangChatEventMap {
  /** The chat app loaded in its frame. */
  ready: CustomEvent<null>;
  open: CustomEvent<null>;
  close: CustomEvent<null>;
  /** An answer arrived; neither the text nor the conversation id leaves the frame. */
  message: CustomEvent<{ role: "assistant" } | null>;
  /** The number of answers that arrived while the chat was closed changed (0 when it opens). */
  unread: CustomEvent<{ count: number }>;
  error: CustomEvent<DongyangChatErrorDetail>;
  /** destroy() removed the chat from the page. */
  destroy: CustomEvent<null>;
}

/** The <dongyang-chat> element. Attributes: site-key, lang, position, primary-color, title, greeting, open, nonce, launcher. */
export interface DongyangChatElement extends HTMLElement {
  open(): void;
  close(): void;
  toggle(): void;
  /** Asks a question as the customer (at most 2,000 characters are sent). */
  send(text: string): void;
  /** Signs a verified customer in; null signs them out. Remembered until the chat app loads. */
  setUser(user: DongyangChatUser | null): void;
  /**
   * Tells the chat where the customer is; sent with the next question and stored with the conversation, personal data
   * masked, for the counsellor (never used to answer). The latest call wins; null clears it. Input outside the limits
   * is refused with a console error and not sent. Remembered until the chat app loads.
   */
  setContext(context: DongyangChatContext | null): void;
  /** Starts a new conversation. */
  reset(): void;
  /** Hides the launcher, for a page that opens the chat from its own button (same as launcher="none"). */
  hideLauncher(): void;
  showLauncher(): void;
  /** Removes the chat, its frame and its listeners from the page. */
  destroy(): void;

  addEventListener<K extends keyof DongyangChatEventMap>(type: K, listener: (this: DongyangChatElement, ev: DongyangChatEventMap[K]) => unknown, options?: boolean | AddEventListenerOptions): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof DongyangChatEventMap>(type: K, listener: (this: DongyangChatElement, ev: DongyangChatEventMap[K]) => unknown, options?: boolean | EventListenerOptions): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject, options?: boolean | EventListenerOptions): void;
}

/** A call queued before the loader has loaded: the method name and its arguments. */
export type DongyangChatCall =
  | ["open"] | ["close"] | ["toggle"] | ["reset"] | ["hideLauncher"] | ["showLauncher"] | ["destroy"]
  | ["send", string]
  | ["setUser", DongyangChatUser | null]
  | ["setContext", DongyangChatContext | null];

declare global {
  interface HTMLElementTagNameMap {
    "dongyang-chat": DongyangChatElement;
  }

  interface Window {
    /** Queue calls before the loader has loaded: (window.dongyangChat = window.dongyangChat || []).push(["open"]). */
    dongyangChat?: DongyangChatCall[] | { push(call: DongyangChatCall): void };
  }
}
