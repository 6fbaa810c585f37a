/* Search on demand: Material's search index (search/search_index.json, about 15 KB
   gzipped) and its search worker (about 12 KB) load when a reader first opens search,
   not on every page load. Most readers never search, and many read on small data plans.

   Material 9 requests the index (XMLHttpRequest) and starts the worker (new Worker())
   as soon as a page loads. This script runs just before Material's bundle and hands it
   two stand-ins; every other request and worker is left alone:

   - the request for the search index is sent when search is first opened;
   - new Worker() for the search worker returns a stand-in that starts the real worker
     when the first message is posted to it (the index, once it has arrived).

   The same index reaches the same worker, so results are unchanged. Opening search
   means: the search toggle turning on (click, tap, or Material's keyboard shortcuts,
   which click the toggle) or focus reaching the search box. tests/test_browser.py
   checks that neither file is requested before search opens and that search finds
   results after; a Material release that loads search another way fails that test
   rather than quietly loading search on every page again. No inline code: the
   Content Security Policy is unchanged.

   A page opened from a search result (Material adds ?h=<query> to the result's link)
   loads search at once: Material marks the query's words on the page with the search
   worker's settings, so holding the worker back would leave the page unmarked. */
(function () {
  "use strict";

  var INDEX_PATH = /\/search\/search_index\.json$/;
  var WORKER_PATH = /\/workers\/search\.[0-9a-f]+\.min\.js$/;
  var waiting = [];
  var opened = (function () {
    try {
      return new URLSearchParams(location.search).has("h");
    } catch (error) {
      return false;
    }
  })();

  function pathOf(url) {
    try {
      return new URL(String(url), location.href).pathname;
    } catch (error) {
      return "";
    }
  }

  function searchOpened() {
    if (opened) return;
    opened = true;
    waiting.splice(0).forEach(function (resume) { resume(); });
  }

  // Material requests the index with XMLHttpRequest: hold back send() until search opens.
  var indexRequests = new WeakSet();
  var realOpen = XMLHttpRequest.prototype.open;
  var realSend = XMLHttpRequest.prototype.send;
  XMLHttpRequest.prototype.open = function (method, url) {
    if (INDEX_PATH.test(pathOf(url))) indexRequests.add(this); else indexRequests.delete(this);
    return realOpen.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    var request = this, args = arguments;
    if (indexRequests.has(request) && !opened) {
      waiting.push(function () { realSend.apply(request, args); });
      return undefined;
    }
    return realSend.apply(request, args);
  };

  var RealWorker = window.Worker;

  function SearchWorkerStandIn(url, options) {
    var standIn = new EventTarget();
    var worker = null;

    function forward(event) {
      var copy = event.type === "error"
        ? new ErrorEvent("error", { message: event.message, filename: event.filename,
                                    lineno: event.lineno, colno: event.colno, error: event.error })
        : new MessageEvent(event.type, { data: event.data });
      standIn.dispatchEvent(copy);
    }

    standIn.postMessage = function (message, transfer) {
      if (worker === null) {
        worker = new RealWorker(url, options);
        ["message", "messageerror", "error"].forEach(function (type) {
          worker.addEventListener(type, forward);
        });
      }
      worker.postMessage(message, transfer);
    };
    standIn.terminate = function () {
      if (worker !== null) worker.terminate();
    };
    return standIn;
  }

  window.Worker = function (url, options) {
    if (WORKER_PATH.test(pathOf(url))) return SearchWorkerStandIn(url, options);
    return new RealWorker(url, options);
  };
  window.Worker.prototype = RealWorker.prototype;

  document.addEventListener("change", function (event) {
    var toggle = event.target;
    if (toggle instanceof HTMLInputElement && toggle.getAttribute("data-md-toggle") === "search" && toggle.checked) {
      searchOpened();
    }
  });
  document.addEventListener("focusin", function (event) {
    if (event.target instanceof Element && event.target.matches("[data-md-component='search-query']")) {
      searchOpened();
    }
  });
})();
