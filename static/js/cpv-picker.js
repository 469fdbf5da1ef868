/* CPV picker: search-as-you-type over CPV codes for inputs marked data-cpv-picker.
   Progressive enhancement: without JavaScript, authors type the codes themselves.
   Single fields get the chosen code; "multiple" fields get it appended. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-cpv-url]");
  if (!form || !window.fetch) { return; }
  var endpoint = form.getAttribute("data-cpv-url");
  var counter = 0;

  function debounce(fn, delay) {
    var timer = null;
    return function () {
      var args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(null, args); }, delay);
    };
  }

  function setup(input) {
    counter += 1;
    var multiple = input.getAttribute("data-cpv-picker") === "multiple";
    var wrapper = document.createElement("div");
    wrapper.className = "cpv-picker";
    var label = document.createElement("label");
    var searchId = "cpv-search-" + counter;
    label.setAttribute("for", searchId);
    label.textContent = (document.documentElement.lang === "fr")
      ? "Rechercher un code CPV (code ou mots)" : "Find a CPV code (code or words)";
    var search = document.createElement("input");
    search.type = "search";
    search.id = searchId;
    search.autocomplete = "off";
    var results = document.createElement("ul");
    results.className = "cpv-results";
    results.setAttribute("aria-live", "polite");
    wrapper.appendChild(label);
    wrapper.appendChild(search);
    wrapper.appendChild(results);
    input.parentNode.appendChild(wrapper);

    function choose(code) {
      if (multiple && input.value.trim()) {
        var codes = input.value.split(/[\s,;]+/).filter(Boolean);
        if (codes.indexOf(code) === -1) { codes.push(code); }
        input.value = codes.join(", ");
      } else {
        input.value = code;
      }
      results.innerHTML = "";
      search.value = "";
      input.focus();
    }

    function render(items) {
      results.innerHTML = "";
      items.forEach(function (item) {
        var li = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "button-link";
        var label = document.documentElement.lang === "fr" ? item.label_fr : item.label_en;
        button.textContent = item.code + " — " + label;
        button.addEventListener("click", function () { choose(item.code); });
        li.appendChild(button);
        results.appendChild(li);
      });
    }

    search.addEventListener("input", debounce(function () {
      var q = search.value.trim();
      if (q.length < 2) { results.innerHTML = ""; return; }
      fetch(endpoint + "?q=" + encodeURIComponent(q), {
        headers: { "Accept": "application/json" }, credentials: "same-origin"
      })
        .then(function (response) { return response.ok ? response.json() : { results: [] }; })
        .then(function (data) { render(data.results || []); })
        .catch(function () { results.innerHTML = ""; });
    }, 250));
  }

  Array.prototype.forEach.call(form.querySelectorAll("input[data-cpv-picker]"), setup);
})();
