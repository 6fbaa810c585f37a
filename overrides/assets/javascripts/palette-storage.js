/*
 * Store the colour palette only when the reader chooses one.
 *
 * Material for MkDocs saves the current palette in localStorage on every page load,
 * even when the reader never touched the toggle, which leaves a trace of the visit on
 * the device. This script loads in <head>, after Material's inline helpers define
 * __md_set and before its bundle runs, and lets "__palette" through only once the
 * reader has changed the palette (or had already chosen one on an earlier visit).
 */
(function () {
  "use strict";
  if (typeof window.__md_set !== "function" || typeof window.__md_get !== "function") return;

  var chosen = false;
  try {
    chosen = window.__md_get("__palette") !== null;
  } catch (error) {
    chosen = false;
  }
  var storeSetting = window.__md_set;

  window.__md_set = function (key) {
    if (key === "__palette" && !chosen) return;
    return storeSetting.apply(this, arguments);
  };

  // A change of the palette radio inputs is the reader's own choice.
  document.addEventListener("change", function (event) {
    if (event.target && event.target.name === "__palette") chosen = true;
  }, true);
})();
