/* The home page's case filter: type words (a kind, a lens, a signal, a tag, a language); rows that
   hold every word stay, groups left empty are hidden. `?q=words` in the address pre-fills it.
   Without JavaScript the tables simply show every case (the filter box is hidden). */
(function () {
  function setup() {
    var input = document.getElementById("cc-filter");
    if (!input || input.dataset.ready) return;
    input.dataset.ready = "1";
    var count = document.getElementById("cc-filter-count");
    var heads = Array.prototype.slice.call(document.querySelectorAll(".md-typeset h3.cc-group"));
    function section(h) {  // the elements of one group: from its heading up to the next heading
      var out = [], el = h.nextElementSibling;
      while (el && !/^H[1-3]$/.test(el.tagName)) { out.push(el); el = el.nextElementSibling; }
      return out;
    }
    function apply() {
      var words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
      var shown = 0, total = 0;
      heads.forEach(function (h) {
        var visible = 0, els = section(h);
        els.forEach(function (el) {
          el.querySelectorAll("tbody tr").forEach(function (r) {
            var txt = r.textContent.toLowerCase();
            var ok = words.every(function (w) { return txt.indexOf(w) >= 0; });
            r.style.display = ok ? "" : "none";
            total++;
            if (ok) { visible++; shown++; }
          });
        });
        var hide = visible ? "" : "none";
        h.style.display = hide;
        els.forEach(function (el) { el.style.display = hide; });
      });
      count.textContent = words.length ? shown + " of " + total + " cases match" : total + " cases";
      input.setAttribute("data-shown", String(shown));
    }
    var q = new URLSearchParams(window.location.search).get("q");
    if (q) input.value = q;
    input.addEventListener("input", apply);
    apply();
  }
  if (window.document$ && window.document$.subscribe) window.document$.subscribe(setup);
  else if (document.readyState !== "loading") setup();
  else document.addEventListener("DOMContentLoaded", setup);
})();
