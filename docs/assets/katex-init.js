/* Render the math that pymdownx.arithmatex (generic mode) leaves in
 * <span class="arithmatex">\( ... \)</span> and <div class="arithmatex">\[ ... \]</div>,
 * with the vendored KaTeX, on every page (Material's instant navigation included). A
 * formula wider than the column scrolls in its own box (a11y.js lets the keyboard reach it). */
(function () {
  "use strict";
  function render() {
    if (typeof renderMathInElement === "undefined") return;
    document.querySelectorAll(".arithmatex").forEach(function (el) {
      renderMathInElement(el, {
        delimiters: [
          { left: "\\(", right: "\\)", display: false },
          { left: "\\[", right: "\\]", display: true }
        ],
        throwOnError: false
      });
    });
  }
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(render);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", render);
  } else {
    render();
  }
})();
