// Keeps the conversation in view: the newest message stays visible while it grows, unless the customer scrolled up
// to read, in which case the "new message" button appears instead of pulling them down. What the customer just
// asked for (their own question, a handoff notice, the comment box) is brought into view whatever the position.
// Citation markers inside rendered answers are plain HTML, so their clicks are delegated from here to .NET.
const slack = 48;

export function follow(container, jumpButton, dotnet) {
  let pinned = true;
  let lastHeight = container.scrollHeight;
  const atBottom = () => container.scrollHeight - container.scrollTop - container.clientHeight <= slack;
  const toBottom = (smooth) => container.scrollTo({ top: container.scrollHeight, behavior: smooth ? "smooth" : "instant" });
  const showJump = (show) => { if (jumpButton) jumpButton.hidden = !show; };

  // Scroll events arrive a frame late, when more of the answer may already have landed: judge by direction, not by
  // distance. Only the customer scrolls up (this code scrolls down); at the bottom the view follows again.
  let lastTop = container.scrollTop;
  const onScroll = () => {
    const top = container.scrollTop;
    if (atBottom()) pinned = true;
    else if (top < lastTop - 1) pinned = false;
    lastTop = top;
    if (pinned) showJump(false);
  };

  const reveal = (element) => {
    if (element.dataset.reveal === "bottom") {
      pinned = true;
      toBottom(false);
    } else {
      element.scrollIntoView({ block: "nearest", behavior: "instant" });
      pinned = atBottom();
    }
  };

  const onChange = (records) => {
    let wanted = null;
    for (const record of records) {
      for (const node of record.addedNodes) {
        if (node.nodeType !== 1) continue;
        if (node.matches("[data-reveal]")) wanted = node;
        const inner = node.querySelectorAll("[data-reveal]");
        if (inner.length) wanted = inner[inner.length - 1];
      }
    }

    const grew = container.scrollHeight !== lastHeight;
    lastHeight = container.scrollHeight;
    if (wanted) {
      reveal(wanted);
    } else if (pinned) {
      toBottom(false);
    } else if (grew) {
      showJump(true);
    }

    if (pinned) showJump(false);
  };

  const observer = new MutationObserver(onChange);
  observer.observe(container, { childList: true, subtree: true, characterData: true });
  // The container itself changes size too (suggestions appear, the phone keyboard opens): stay at the bottom.
  const resized = new ResizeObserver(() => { if (pinned) toBottom(false); });
  resized.observe(container);
  container.addEventListener("scroll", onScroll, { passive: true });

  const onJump = () => { pinned = true; showJump(false); toBottom(!matchMedia("(prefers-reduced-motion: reduce)").matches); };
  jumpButton?.addEventListener("click", onJump);

  const onClick = (e) => {
    const marker = e.target.closest?.(".dc-cite");
    if (!marker || !container.contains(marker)) return;
    e.preventDefault();
    dotnet?.invokeMethodAsync("OpenCitationAsync", marker.dataset.entry || "", Number(marker.dataset.cite));
  };
  container.addEventListener("click", onClick);

  toBottom(false);
  return {
    dispose() {
      observer.disconnect();
      resized.disconnect();
      container.removeEventListener("scroll", onScroll);
      container.removeEventListener("click", onClick);
      jumpButton?.removeEventListener("click", onJump);
    },
  };
}
