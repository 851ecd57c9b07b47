// The alert queue's live rows (polled every 15 s) are asked for with the validator of the rows on screen: an
// unchanged list answers 304 with no body, and the rows on screen stay (nothing is swapped). Pages are never
// stored by the browser (Cache-Control: no-store), so the validator is kept on the table body, not in a cache.
(function () {
  "use strict";
  function live(event) {
    var element = event.detail && event.detail.elt;
    return element && element.id === "alert-rows" ? element : null;
  }
  document.addEventListener("htmx:configRequest", function (event) {
    var rows = live(event);
    if (rows && rows.dataset.etag) {
      event.detail.headers["If-None-Match"] = rows.dataset.etag;
    }
  });
  document.addEventListener("htmx:beforeSwap", function (event) {
    var rows = live(event);
    if (!rows) {
      return;
    }
    if (event.detail.xhr.status === 304) {
      event.detail.shouldSwap = false;
      return;
    }
    var tag = event.detail.xhr.getResponseHeader("ETag");
    if (tag) {
      rows.dataset.etag = tag;
    }
  });
})();
