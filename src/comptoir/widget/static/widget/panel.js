/* The help panel inside its iframe: waits for the host page's loader, checks that it is one
   of the site's allowed origins, starts the panel session with the identity the site signed,
   then runs the guide search and the request form by fetch (no cookie is sent: the signed
   session token travels with each request). */
(function () {
  "use strict";
  var READY = "comptoir-widget:ready", HELLO = "comptoir-widget:hello", CLOSE = "comptoir-widget:close";
  var main = document.getElementById("widget");
  var origins = JSON.parse(document.getElementById("widget-origins").textContent);
  var started = false;

  function show(target, html) {
    target.innerHTML = html;
  }
  function failed() {
    show(main, document.getElementById("widget-failed").innerHTML);
  }
  function send(url, options, target) {
    options.credentials = "omit";
    return fetch(url, options).then(function (response) {
      return response.text().then(function (html) { show(target, html); });
    }).catch(failed);
  }
  function tellParent(message) {
    // Posted to each allowed origin: the browser delivers it only to the one the page is on.
    origins.forEach(function (origin) { window.parent.postMessage(message, origin); });
  }

  if (window.parent === window) {
    show(main, document.getElementById("widget-alone").innerHTML);
    return;
  }

  window.addEventListener("message", function (event) {
    if (event.source !== window.parent || origins.indexOf(event.origin) === -1) return;
    var data = event.data || {};
    if (data.type !== HELLO || started) return;
    started = true;
    var body = new FormData();
    body.append("identity", typeof data.identity === "string" ? data.identity : "");
    body.append("page_url", typeof data.page_url === "string" ? data.page_url : "");
    body.append("origin", event.origin);
    body.append("lang", main.getAttribute("data-lang") || "");
    send(main.getAttribute("data-start"), { method: "POST", body: body }, main);
  });

  main.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.hasAttribute("data-widget-search")) {
      event.preventDefault();
      search(form);
    } else if (form.hasAttribute("data-widget-form")) {
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      send(form.action, { method: "POST", body: new FormData(form) }, document.getElementById("widget-form-area"));
    }
  });

  var timer = null;
  function search(form) {
    var params = new URLSearchParams(new FormData(form));
    send(form.action + "?" + params.toString(), { method: "GET" }, document.getElementById("widget-results"));
  }
  main.addEventListener("input", function (event) {
    var form = event.target.form;
    if (!form || !form.hasAttribute("data-widget-search")) return;
    clearTimeout(timer);
    timer = setTimeout(function () { search(form); }, 350);
  });

  // The request form's own questions follow the product and the type chosen.
  main.addEventListener("change", function (event) {
    var form = event.target.form;
    var details = document.getElementById("request-details");
    if (!form || !details || !form.hasAttribute("data-widget-form")) return;
    if (event.target.name !== "product" && event.target.name !== "type") return;
    var params = new URLSearchParams();
    ["s", "product", "type"].forEach(function (name) {
      if (form.elements[name]) params.append(name, form.elements[name].value);
    });
    send(details.getAttribute("data-widget-details") + "?" + params.toString(), { method: "GET" }, details);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") tellParent({ type: CLOSE });
  });

  tellParent({ type: READY });
})();
