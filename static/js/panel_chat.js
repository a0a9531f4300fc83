// The chat page of the teacher panel: polls the feed every few seconds and replaces the changing
// part (an aria-live region). Without JavaScript the page works by reloading.
(function () {
  "use strict";
  var feed = document.getElementById("chat-feed");
  if (!feed || !window.fetch) { return; }
  var url = feed.getAttribute("data-feed-url");
  var etag = null;
  function poll() {
    var headers = {"X-Requested-With": "fetch"};
    if (etag) { headers["If-None-Match"] = etag; }
    fetch(url, {headers: headers, credentials: "same-origin"}).then(function (response) {
      if (response.status === 200) {
        etag = response.headers.get("ETag");
        return response.text().then(function (html) { feed.innerHTML = html; });
      }
      if (response.status === 304) { return; }
    }).catch(function () {}).then(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 5000);
})();
