// CPV autocomplete: a search box next to a plain text input of codes. Without JavaScript the
// box stays hidden and the text input works alone.
(function () {
  "use strict";
  document.querySelectorAll(".cpv-search[data-cpv-target]").forEach(function (box) {
    if (box.dataset.ready) { return; }
    box.dataset.ready = "1";
    box.hidden = false;
    var target = document.getElementById(box.dataset.cpvTarget);
    var input = box.querySelector("input[type=search]");
    var list = box.querySelector("ul");
    var status = box.querySelector("[aria-live]");
    var timer = null;
    function add(code) {
      var current = target.value.trim();
      if (current.split(/[\s,;]+/).indexOf(code) === -1) {
        target.value = current ? current + ", " + code : code;
      }
      target.focus();
    }
    function show(results) {
      list.replaceChildren();
      results.forEach(function (r) {
        var item = document.createElement("li");
        item.className = "list-group-item p-0";
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-link text-start w-100";
        button.textContent = r.full_code + " — " + r.label;
        button.addEventListener("click", function () { add(r.full_code); });
        item.appendChild(button);
        list.appendChild(item);
      });
      status.textContent = results.length + " " + box.dataset.cpvResults;
    }
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { show([]); return; }
      timer = setTimeout(function () {
        var url = box.dataset.cpvUrl + "?q=" + encodeURIComponent(q) +
          "&lang=" + encodeURIComponent(document.documentElement.lang || "fr");
        fetch(url, { credentials: "same-origin" })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(show)
          .catch(function () { show([]); });
      }, 200);
    });
  });
})();
