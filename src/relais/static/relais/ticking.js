// What ticks every second on a page that stays open all day (the desktop's clocks and
// countdowns, the wallboard's times in state).
//
// A clock's or countdown's text, changed every second: the text node's data, not a new node.
// Setting textContent inserts a new text node, and an insertion under the page makes Chromium
// recompute the style of the whole page (Tabler's `.page:has(...)` rules): about 350 elements,
// every second, for each ticking clock, measured in bench.voice_load's page
// traces (`--chromium-trace`, docs/voice-operations.md).
export function tickText(node, text) {
  const first = node.firstChild;
  if (first && first === node.lastChild && first.nodeType === Node.TEXT_NODE) {
    if (first.data !== text) first.data = text;
  } else {
    node.textContent = text;
  }
}
