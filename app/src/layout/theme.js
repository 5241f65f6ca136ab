// Runs in <head> before the stylesheet: sets data-theme on <html> from the saved choice or the
// system preference (so a reload never flashes the wrong theme), and exposes nvTheme.get()/set()
// to the toggle.
(() => {
  const root = document.documentElement;
  const key = "nv-theme";
  let saved = null;
  try {
    saved = localStorage.getItem(key);
  } catch (_) {}
  root.dataset.theme =
    saved === "dark" || saved === "light" ? saved : matchMedia("(prefers-color-scheme: dark)").matches ? "dark" : "light";
  window.nvTheme = {
    get: () => root.dataset.theme,
    set: (theme) => {
      root.dataset.theme = theme;
      try {
        localStorage.setItem(key, theme);
      } catch (_) {}
    },
  };
})();
