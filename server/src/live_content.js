// Development only (the server serves it while it watches content/): reloads the page once the
// server has reloaded the content after an edit, so an editor sees the change, or the banner
// listing what is wrong, without restarting anything or pressing reload.
(function () {
  var meta = document.querySelector('meta[name="nv-content-revision"]');
  if (!meta) return;
  var seen = meta.getAttribute("content");
  function poll() {
    fetch("/_dev/content-revision", { cache: "no-store" })
      .then(function (response) {
        return response.ok ? response.text() : seen;
      })
      .then(function (now) {
        if (now.trim() !== seen) location.reload();
        else setTimeout(poll, 250);
      })
      // The server is restarting (a code change): cargo-leptos reloads the page when it is back.
      .catch(function () {
        setTimeout(poll, 1000);
      });
  }
  poll();
})();
