/* Small accessibility repairs to the theme's markup, on every page (instant navigation too):
 * the search dialog gets a name, and every box that scrolls sideways (a wide code block,
 * table or formula) can be reached and scrolled from the keyboard. */
(function () {
  "use strict";
  function repair() {
    document.querySelectorAll('.md-search[role="dialog"]').forEach(function (el) {
      if (!el.hasAttribute("aria-label")) el.setAttribute("aria-label", "Search");
    });
    document.querySelectorAll("pre > code, .md-typeset__scrollwrap, div.arithmatex").forEach(function (el) {
      if (el.scrollWidth > el.clientWidth + 1 && !el.hasAttribute("tabindex")) {
        el.tabIndex = 0;
        if (!el.hasAttribute("role") && el.tagName !== "CODE") {
          el.setAttribute("role", "group");
          el.setAttribute("aria-label", el.classList.contains("arithmatex") ? "formula, scrolls sideways" : "table, scrolls sideways");
        }
      }
    });
  }
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(repair);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", repair);
  } else {
    repair();
  }
  window.addEventListener("resize", repair);
  // a formula is measured again once KaTeX's fonts are in: they change its width
  window.addEventListener("load", repair);
  if (document.fonts && document.fonts.ready) document.fonts.ready.then(repair);
})();
