// The proposal page (templates/benchmarking/proposal.html) while a proposal is made in the
// background: asks the JSON status every two seconds, moves the <progress> bar and its text (an
// aria-live region), and reloads the page when the job is done or failed. Without JavaScript the
// page's "Refresh" link does the same by hand.
(function () {
  "use strict";
  var box = document.getElementById("proposal-progress");
  if (!box || box.dataset.running !== "1" || !window.fetch) {
    return;
  }
  var bar = document.getElementById("proposal-progress-bar");
  var text = document.getElementById("proposal-progress-text");
  function poll() {
    fetch(box.dataset.statusUrl, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
      .then(function (state) {
        if (bar) { bar.value = state.progress; bar.textContent = state.progress + " %"; }
        if (state.done || state.failed) {
          if (text) { text.textContent = state.done ? box.dataset.doneText : box.dataset.failedText; }
          window.location.reload();
          return;
        }
        if (text) { text.textContent = state.step + " (" + state.progress + " %)"; }
        window.setTimeout(poll, 2000);
      })
      .catch(function () { window.setTimeout(poll, 5000); });
  }
  window.setTimeout(poll, 1000);
}());
