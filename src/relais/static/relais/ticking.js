// What ticks every second on a page that stays open all day (the desktop's clocks and
// countdowns, the wallboard's times in state).

// Every clock of the page on one timer: they change in the same task, so the page is laid out
// and drawn once a second, not once per clock at its own phase of the second. Returns the
// function that stops `tick`.
const ticks = new Set();
let ticker = null;
export function everySecond(tick) {
  ticks.add(tick);
  if (ticker === null) ticker = setInterval(() => ticks.forEach((each) => each()), 1000);
  return () => {
    ticks.delete(tick);
    if (ticks.size === 0 && ticker !== null) {
      clearInterval(ticker);
      ticker = null;
    }
  };
}

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
