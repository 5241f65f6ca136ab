// Hydrates the page's islands once the page has loaded and the browser is idle, so the WASM
// never competes with the article for bandwidth. The server puts the built module's and WASM's
// URLs in place of the two NV_…_URL names (app::layout::AssetUrls::hydration_script).
// Instantiation and each island's hydration run in tasks of their own: short tasks block input
// less than one long one.
// window.nvIslands hydrates the islands of pages that client-side navigation swaps in, and
// <main> is marked data-hydrated once the page is interactive.
let started = false;
const tick = () => new Promise((next) => setTimeout(next, 0));
const islands = (m) => async (root) => {
  const main = root.querySelector("#main");
  for (const el of root.querySelectorAll("leptos-island")) {
    if (el.nvHydrated) continue;
    el.nvHydrated = true;
    await tick();
    if (!el.isConnected) continue;
    const hydrate = m[el.dataset.component];
    if (hydrate) hydrate(el);
    else console.error("no WASM function for island", el.dataset.component);
  }
  if (main && main.isConnected) main.dataset.hydrated = "true";
};
const start = () => {
  if (started) return;
  started = true;
  import(NV_JS_URL).then((m) =>
    m
      .default({ module_or_path: NV_WASM_URL })
      .then(tick)
      .then(() => {
        m.hydrate();
        window.nvIslands = islands(m);
        window.nvIslands(document.body);
      }),
  );
};
const idle = () => ("requestIdleCallback" in window ? requestIdleCallback(start, { timeout: 2000 }) : setTimeout(start, 1));
// Resolves once the browser reports the lead image as the largest paint (that paint is then on
// screen: reports carry the time it was presented), or after `wait` ms when it is not the
// largest, or at once where largest paints are not reported.
const leadReported = (lead, wait) =>
  new Promise((done) => {
    const types = (window.PerformanceObserver && PerformanceObserver.supportedEntryTypes) || [];
    if (!lead || !types.includes("largest-contentful-paint")) return done();
    const observer = new PerformanceObserver((list) => {
      if (list.getEntries().some((entry) => entry.element === lead)) finish();
    });
    const finish = () => {
      observer.disconnect();
      done();
    };
    observer.observe({ type: "largest-contentful-paint", buffered: true });
    setTimeout(finish, wait);
  });
// The lead image decoded, reported painted and two more frames drawn first: the largest paint
// is then on screen (and reported) before the WASM is asked for, so it is never on the path of
// that paint (two frames alone were not always enough: a frame is presented after it is drawn).
const afterPaint = () => {
  const lead = document.querySelector('img[fetchpriority="high"]');
  const decoded = lead && lead.decode ? lead.decode().catch(() => {}) : Promise.resolve();
  decoded
    .then(() => leadReported(lead, 250))
    .then(() => requestAnimationFrame(() => requestAnimationFrame(idle)));
};
if (document.readyState === "complete") afterPaint();
else {
  addEventListener("load", afterPaint, { once: true });
  // At most 4 s: a slow image must not keep the page inert.
  setTimeout(start, 4000);
}
