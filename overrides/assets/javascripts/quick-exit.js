/*
 * Quick exit ("Exit this page"), after GOV.UK's component, with one deliberate change:
 * location.replace() instead of an ordinary navigation, so Back does not return here.
 *
 * - The destination is the button's own data attribute, the button found by its id
 *   (#quick-exit-button, which the theme writes before any content and the content
 *   allowlist reserves): nothing on the page can redirect the exit.
 * - Both exit links are ordinary links: without JavaScript they still leave the site.
 *   So are the content notes' exit links (.content-note__exit), which go to the same
 *   destination.
 * - Activation hides the page at once behind a blank "Loading." overlay, then replaces
 *   the tab's current entry with the neutral destination.
 * - Pressing Shift three times (at most 5 s apart) does the same. Shift used as a
 *   modifier (Shift+A) does not count; any other key resets the count.
 * - A page restored from the back/forward cache is shown again (pageshow).
 * - Unless the button says data-quick-exit-replace-history="false", a link within the
 *   site (a page or a place on one) replaces the tab's current history entry instead of
 *   adding one, as the strongest survivor-safety sites do: after the exit, Back leaves
 *   the site instead of walking back through the pages read. Without JavaScript, links
 *   are ordinary links. Links that open elsewhere (another site, a download, a new tab,
 *   a modified click) are left alone.
 * - No window.open (blocked as a popup, and it leaves more traces), no Esc (it stops
 *   page loading and is used by assistive technology).
 */
(function () {
  "use strict";

  var PRESSES_NEEDED = 3;
  var TIMEOUT_MS = 5000;
  var HIDE_CLASS = "quick-exit-hide";
  var OVERLAY_CLASS = "quick-exit-overlay";

  var button = document.getElementById("quick-exit-button");
  if (!button || button.tagName !== "A") return;
  var destination;
  try {
    destination = new URL(button.getAttribute("data-quick-exit-destination") || "").href;
  } catch (error) {
    return; /* the plain link still leaves the site */
  }
  if (destination.indexOf("https://") !== 0) return;
  var links = [button, document.getElementById("quick-exit-skiplink")].concat(
    Array.prototype.slice.call(document.querySelectorAll(".content-note__exit"))
  );
  var status = document.getElementById("quick-exit-status");
  var presses = 0;
  var timer = null;
  var lastKeyupHadShift = false;

  function announce(text) {
    if (status) status.textContent = text;
  }

  function exitPage(event) {
    if (event) event.preventDefault();
    document.body.classList.add(HIDE_CLASS);
    var overlay = document.createElement("div");
    overlay.className = OVERLAY_CLASS;
    overlay.setAttribute("role", "alert");
    document.body.appendChild(overlay);
    // Set the text after insertion: screen readers announce it more reliably.
    overlay.textContent = "Loading.";
    try {
      window.sessionStorage.clear();
    } catch (error) {
      /* storage may be disabled; leaving matters more */
    }
    window.location.replace(destination);
  }

  function resetPresses() {
    presses = 0;
    if (timer) window.clearTimeout(timer);
    timer = null;
  }

  function onKeyup(event) {
    var isShift = event.key === "Shift";
    var countable = isShift && !lastKeyupHadShift;
    lastKeyupHadShift = event.shiftKey && !isShift;
    if (!countable) {
      if (!isShift) resetPresses();
      return;
    }
    presses += 1;
    if (timer) window.clearTimeout(timer);
    if (presses >= PRESSES_NEEDED) {
      resetPresses();
      exitPage();
      return;
    }
    var remaining = PRESSES_NEEDED - presses;
    announce("Shift, press " + remaining + " more time" + (remaining === 1 ? "" : "s") + " to exit.");
    timer = window.setTimeout(function () {
      resetPresses();
      announce("Exit this page expired.");
    }, TIMEOUT_MS);
  }

  function onPageshow(event) {
    if (!event.persisted) return;
    document.body.classList.remove(HIDE_CLASS);
    var overlays = document.querySelectorAll("." + OVERLAY_CLASS);
    for (var i = 0; i < overlays.length; i += 1) overlays[i].remove();
    announce("");
  }

  function replaceHistory(event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey ||
        event.altKey) return;
    var link = event.target && event.target.closest ? event.target.closest("a[href]") : null;
    if (!link || link.hasAttribute("download") || (link.target && link.target !== "_self")) return;
    var url;
    try {
      url = new URL(link.href, window.location.href);
    } catch (error) {
      return;
    }
    if (url.origin !== window.location.origin) return;
    event.preventDefault();
    window.location.replace(url.href);
  }

  links.forEach(function (link) {
    if (link) link.addEventListener("click", exitPage);
  });
  if (button.getAttribute("data-quick-exit-replace-history") !== "false") {
    document.addEventListener("click", replaceHistory);
  }
  document.addEventListener("keyup", onKeyup, true);
  window.addEventListener("pageshow", onPageshow);
})();
