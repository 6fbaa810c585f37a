/*
 * Copy buttons on code blocks (Material's content.code.copy), without extra landmarks.
 *
 * Material 9.8 puts each code block's copy button in its own unnamed <nav>. A page with
 * several code blocks then has several landmarks of the same kind and no name, which
 * screen-reader users meet as noise in the landmark list (axe: landmark-unique). The
 * buttons are tools of their block, not navigation: each <nav class="md-code__nav"> is
 * given role="none" as Material adds it, and the button keeps its name ("Copy to clipboard").
 */
(function () {
  "use strict";

  function unmark(root) {
    var navs = root.querySelectorAll ? root.querySelectorAll("nav.md-code__nav:not([role])") : [];
    for (var i = 0; i < navs.length; i++) navs[i].setAttribute("role", "none");
  }

  unmark(document);
  new MutationObserver(function (changes) {
    for (var i = 0; i < changes.length; i++) {
      for (var j = 0; j < changes[i].addedNodes.length; j++) {
        var node = changes[i].addedNodes[j];
        if (node.nodeType !== 1) continue;
        if (node.matches("nav.md-code__nav:not([role])")) node.setAttribute("role", "none");
        else unmark(node);
      }
    }
  }).observe(document.body, { childList: true, subtree: true });
})();
