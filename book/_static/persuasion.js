// The book's own script (loaded by book/_ext/persuasion_book.py).
//
// An inline formula wider than its line (on a phone, say) would be clipped by the theme's `span.math`, whose
// overflow is hidden: once MathJax has typeset the page, and after every resize, each such formula is marked
// `persuasion-wide` and scrolls sideways inside its own box instead (persuasion.css). Formulas that fit are left
// alone, so no scroll bar appears where none is needed.
(function () {
  "use strict";
  function mark() {
    document.querySelectorAll("span.math").forEach(function (span) {
      span.classList.remove("persuasion-wide");
      // Clipped: the formula is wider than the span, and the span is as wide as its block allows (max-width
      // 100%). A formula that merely pokes a pixel or two past a narrower span (italic corrections) is not.
      var block = span.parentElement.closest("p, li, dd, dt, td, th, figcaption, div, section");
      if (!block) return;
      var style = window.getComputedStyle(block);
      var room = block.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      if (span.scrollWidth > span.clientWidth + 2 && span.getBoundingClientRect().width >= room - 2) {
        span.classList.add("persuasion-wide");
      }
    });
  }
  function whenTypeset(tries) {
    var startup = window.MathJax && window.MathJax.startup;
    if (startup && startup.promise) {
      startup.promise.then(mark);
    } else if (tries > 0) {
      window.setTimeout(function () { whenTypeset(tries - 1); }, 100);
    }
  }
  window.addEventListener("load", function () { whenTypeset(100); });
  var pending = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(mark, 150);
  });
})();
