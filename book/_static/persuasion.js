// The book's own script (loaded by book/_ext/persuasion_book.py).
//
// An inline formula wider than its line (on a phone, say) would be clipped by the theme's `span.math`, whose
// overflow is hidden: once MathJax has typeset the page, and after every resize, each such formula is marked
// `persuasion-wide` and scrolls sideways inside its own box instead (persuasion.css). Formulas that fit are left
// alone, so no scroll bar appears where none is needed.
//
// The "On this page" list highlights the section being read. The theme moves the highlight when a heading crosses
// the top 30% of the window, which a jump (Page Down, the space bar, dragging the scroll bar) can step over,
// leaving an earlier section highlighted; so once a scroll has settled, the section whose heading was passed
// last is highlighted, with the theme's own classes.
//
// The landing page links the whole-book PDF, which only `make pdf` puts in the site. `_static/persuasion-pdf.js`
// (written by the build, rewritten by `make pdf`) says whether it is there; where it is not, the link becomes a line
// that says how to make the PDF, rather than a link to a missing file.
(function () {
  "use strict";
  function pdfLink() {
    if (window.persuasionPdf !== false) return;
    document.querySelectorAll("a.persuasion-pdf").forEach(function (a) {
      var note = document.createElement("span");
      note.className = "persuasion-pdf-missing";
      note.innerHTML = "the whole book as a PDF (not in this copy of the site: <code>make pdf</code> writes it)";
      a.replaceWith(note);
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", pdfLink); else pdfLink();
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
  function highlightSection() {
    var nav = document.querySelector("#pst-page-toc-nav");
    if (!nav) return;
    var links = Array.prototype.slice.call(nav.querySelectorAll("a[href^='#']"));
    var line = 0.3 * window.innerHeight;
    var current = null;
    links.forEach(function (a) {
      var target = document.getElementById(decodeURIComponent(a.getAttribute("href").slice(1)));
      if (!target) return;
      var heading = target.querySelector("h1, h2, h3, h4, h5, h6") || target;
      if (heading.getBoundingClientRect().top <= line) current = a;
    });
    if (!current || current.classList.contains("active")) return;
    links.forEach(function (a) {
      a.classList.toggle("active", a === current);
      if (a === current) a.setAttribute("aria-current", "true"); else a.removeAttribute("aria-current");
    });
    nav.querySelectorAll(".toc-entry").forEach(function (entry) {
      entry.classList.toggle("active", entry.contains(current));
    });
  }
  var settling = null;
  window.addEventListener("scroll", function () {
    window.clearTimeout(settling);
    settling = window.setTimeout(highlightSection, 150);
  }, { passive: true });
})();
