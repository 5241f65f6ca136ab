// Client-side navigation for a server-rendered site: same-origin links and GET forms fetch the
// next page's HTML and swap it in, without a page load. It does what a page load gives for free:
// the title and meta tags follow, focus moves to <main> (screen readers announce the new page),
// new pages start at the top (or at their #fragment), and back/forward return to where the
// reader was. The interactive islands of the new page are hydrated by `window.nvIslands` once
// the WASM has loaded. Anything unusual (another origin, a file, a download, a failed fetch)
// falls back to an ordinary page load.
(() => {
  if (!window.fetch || !window.DOMParser || !history.pushState) return;
  // Prefixes of what is not a page (app::urls::NOT_PAGES), given by the script element.
  const notPages = ((document.currentScript && document.currentScript.dataset.notPages) || "").split(" ").filter(Boolean);
  history.scrollRestoration = "manual";
  const positions = new Map();
  let entry = (history.state && history.state.nv) || Math.random().toString(36).slice(2);
  let shown = location.pathname + location.search;
  let current = 0;
  const remember = () => history.replaceState({ ...history.state, nv: entry, y: scrollY }, "");
  remember();
  addEventListener("scroll", () => positions.set(entry, scrollY), { passive: true });
  addEventListener("pagehide", remember);

  const isPage = (url) =>
    url.origin === location.origin &&
    !notPages.some((prefix) => url.pathname.startsWith(prefix)) &&
    !/\.[a-z0-9]+$/i.test(url.pathname);

  const focusMain = () => {
    const main = document.getElementById("main");
    if (main) main.focus({ preventScroll: true });
  };

  const syncHead = (next) => {
    const kept = new Set();
    const old = new Map([...document.head.children].map((el) => [el.outerHTML, el]));
    for (const el of [...next.head.children]) {
      const same = old.get(el.outerHTML);
      if (same && !kept.has(same)) kept.add(same);
      else document.head.append(document.adoptNode(el));
    }
    for (const el of old.values()) if (!kept.has(el)) el.remove();
  };

  const go = async (href, push, y) => {
    const id = ++current;
    let response, html;
    try {
      response = await fetch(href, { headers: { Accept: "text/html" }, credentials: "same-origin" });
      if (!(response.headers.get("content-type") || "").includes("text/html")) throw new Error("not a page");
      html = await response.text();
    } catch (_) {
      if (id === current) location.assign(href);
      return;
    }
    if (id !== current) return;
    const url = new URL(response.redirected ? response.url : href);
    url.hash = new URL(href).hash;
    if (push) {
      positions.set(entry, scrollY);
      remember();
      entry = Math.random().toString(36).slice(2);
      history.pushState({ nv: entry, y: 0 }, "", url.href);
    }
    const next = new DOMParser().parseFromString(html, "text/html");
    syncHead(next);
    document.body.replaceChildren(...[...next.body.childNodes].map((node) => document.adoptNode(node)));
    shown = location.pathname + location.search;
    const target = url.hash && document.getElementById(decodeURIComponent(url.hash.slice(1)));
    if (y !== undefined) scrollTo(0, y);
    else if (target) target.scrollIntoView();
    else scrollTo(0, 0);
    focusMain();
    if (window.nvIslands) window.nvIslands(document.body);
  };

  document.addEventListener("click", (event) => {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    const link = event.target.closest && event.target.closest("a[href]");
    if (!link || (link.target && link.target !== "_self") || link.hasAttribute("download")) return;
    if ((link.getAttribute("rel") || "").split(/\s+/).includes("external")) return;
    const url = new URL(link.href, location.href);
    if (!isPage(url)) return;
    // A link to a fragment of the page on screen is the browser's to follow.
    if (url.pathname + url.search === shown && url.hash) return;
    event.preventDefault();
    go(url.href, true);
  });

  document.addEventListener("submit", (event) => {
    const form = event.target;
    if (event.defaultPrevented || (form.getAttribute("method") || "get").toLowerCase() !== "get") return;
    // A hydrated island (live search) handles its own form.
    const island = form.closest("leptos-island");
    if (island && island.nvHydrated) return;
    const url = new URL(form.action, location.href);
    if (!isPage(url)) return;
    url.search = new URLSearchParams(new FormData(form)).toString();
    event.preventDefault();
    go(url.href, true);
  });

  addEventListener("popstate", (event) => {
    // Back or forward between fragments of the same page: the browser scrolls.
    if (location.pathname + location.search === shown) return;
    const state = event.state || {};
    entry = state.nv || Math.random().toString(36).slice(2);
    go(location.href, false, positions.get(entry) ?? state.y ?? 0);
  });

  // A reload (or a return from another site) lands on an entry that may have a position.
  const saved = history.state && history.state.y;
  if (saved) addEventListener("load", () => scrollTo(0, saved), { once: true });
})();
