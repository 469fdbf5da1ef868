/* File size limit, checked before sending: file inputs marked data-max-bytes refuse a larger
   file with the field's own message (data-too-large, translated by the server: %(name)s,
   %(size)s and %(max)s are filled in here), shown like a server error, and the form is not
   sent. The server checks the same limit; this only saves a long upload that would be refused
   (or cut short by the request size cap, which some browsers show as a reset connection).
   Progressive enhancement: without JavaScript, the server's message comes after the upload. */
(function () {
  "use strict";
  var MB = 1024 * 1024;

  function errorList(input) {
    var id = input.id + "_size_error";
    var list = document.getElementById(id);
    if (!list) {
      list = document.createElement("ul");
      list.className = "errorlist";
      list.id = id;
      list.setAttribute("role", "alert");
      input.insertAdjacentElement("afterend", list);
    }
    return list;
  }

  function describedBy(input, id, on) {
    var ids = (input.getAttribute("aria-describedby") || "").split(/\s+/).filter(function (x) {
      return x && x !== id;
    });
    if (on) { ids.push(id); }
    if (ids.length) { input.setAttribute("aria-describedby", ids.join(" ")); }
    else { input.removeAttribute("aria-describedby"); }
  }

  /* Rounded up, so that a file just over the limit never shows as equal to it. */
  function megabytes(bytes, digits) {
    var value = digits ? Math.ceil(bytes / MB * 10) / 10 : Math.floor(bytes / MB);
    return value.toLocaleString(document.documentElement.lang || undefined, {
      minimumFractionDigits: digits, maximumFractionDigits: digits
    });
  }

  /* The message for the chosen file, or "" when it fits. */
  function tooLarge(input) {
    var max = parseInt(input.getAttribute("data-max-bytes"), 10);
    var file = input.files && input.files[0];
    if (!file || !max || file.size <= max) { return ""; }
    var values = {
      "%(name)s": file.name,
      "%(size)s": megabytes(file.size, 1),
      "%(max)s": megabytes(max, 0)
    };
    /* A function as replacement: "$&" or "$'" in a file name stay as typed. */
    return input.getAttribute("data-too-large").replace(/%\((name|size|max)\)s/g, function (key) {
      return values[key];
    });
  }

  function check(input) {
    var message = tooLarge(input);
    var field = input.closest(".field");
    var list = errorList(input);
    list.textContent = "";
    if (message) {
      var item = document.createElement("li");
      item.textContent = message;
      list.appendChild(item);
    }
    /* A server error shown for the field keeps it invalid. */
    var invalid = field ? !!field.querySelector(".errorlist li") : !!message;
    if (field) { field.classList.toggle("field-error", invalid); }
    if (invalid) { input.setAttribute("aria-invalid", "true"); }
    else { input.removeAttribute("aria-invalid"); }
    describedBy(input, list.id, !!message);
    return !message;
  }

  Array.prototype.forEach.call(
    document.querySelectorAll("input[type=file][data-max-bytes]"),
    function (input) {
      input.addEventListener("change", function () { check(input); });
      if (input.form) {
        input.form.addEventListener("submit", function (event) {
          if (!check(input)) {
            event.preventDefault();
            input.focus();
          }
        });
      }
    }
  );
})();
