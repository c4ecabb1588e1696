/* Comptoir help button: a "?" at the bottom right opens a panel holding Comptoir's page in
   an iframe. The button and the panel live in a shadow root (no style leaks either way);
   the identity the site signed is handed to the iframe only, by postMessage, and only to
   Comptoir's origin. */
(function () {
  "use strict";
  var config = {{ config|safe }};
  var READY = "comptoir-widget:ready", HELLO = "comptoir-widget:hello", CLOSE = "comptoir-widget:close";
  var script = document.currentScript ||
    document.querySelector('script[src*="/widget/' + config.key + '.js"]');
  var identity = (script && script.getAttribute("data-identity")) || "";

  function language() {
    var code = (document.documentElement.lang || "").slice(0, 2).toLowerCase();
    return config.labels[code] ? code : config.language;
  }

  function install() {
    if (document.querySelector("[data-comptoir-widget='" + config.key + "']")) return;  // included twice
    var words = config.labels[language()];
    var host = document.createElement("div");
    host.setAttribute("data-comptoir-widget", config.key);
    var root = host.attachShadow({ mode: "open" });
    var style = document.createElement("style");
    style.textContent = [
      ":host { all: initial; }",
      ".button { position: fixed; right: 20px; bottom: 20px; z-index: 2147483646; width: 52px; height: 52px;",
      "  border-radius: 50%; border: 0; background: #0b5ed7; color: #fff; font: 700 26px/52px system-ui, sans-serif;",
      "  cursor: pointer; box-shadow: 0 2px 10px rgba(0,0,0,.3); padding: 0; }",
      ".button:focus-visible { outline: 3px solid #ffbf47; outline-offset: 2px; }",
      ".panel { position: fixed; right: 20px; bottom: 84px; z-index: 2147483647; width: 380px; max-width: calc(100vw - 40px);",
      "  height: 600px; max-height: calc(100vh - 110px); background: #fff; border-radius: 10px; overflow: hidden;",
      "  box-shadow: 0 6px 30px rgba(0,0,0,.35); display: flex; flex-direction: column; }",
      ".panel[hidden] { display: none; }",
      ".bar { display: flex; align-items: center; justify-content: space-between; padding: 6px 8px 6px 14px;",
      "  background: #0b5ed7; color: #fff; font: 600 15px/1.4 system-ui, sans-serif; }",
      ".close { border: 0; background: transparent; color: #fff; font: 400 24px/1 system-ui, sans-serif; cursor: pointer;",
      "  width: 32px; height: 32px; border-radius: 4px; }",
      ".close:focus-visible { outline: 2px solid #fff; }",
      "iframe { border: 0; width: 100%; flex: 1; display: block; }"
    ].join("\n");
    var button = document.createElement("button");
    button.type = "button";
    button.className = "button";
    button.textContent = "?";
    button.setAttribute("aria-label", words.open);
    button.setAttribute("aria-expanded", "false");
    button.setAttribute("aria-controls", "comptoir-panel");
    var panel = document.createElement("div");
    panel.className = "panel";
    panel.id = "comptoir-panel";
    panel.hidden = true;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-label", words.frame);
    var bar = document.createElement("div");
    bar.className = "bar";
    var title = document.createElement("span");
    title.textContent = words.title;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "close";
    close.textContent = "\u00d7";
    close.setAttribute("aria-label", words.close);
    bar.appendChild(title);
    bar.appendChild(close);
    panel.appendChild(bar);
    root.appendChild(style);
    root.appendChild(panel);
    root.appendChild(button);
    document.body.appendChild(host);

    var frame = null;
    function open() {
      if (!frame) {  // Comptoir is reached only once the person asks for help
        frame = document.createElement("iframe");
        frame.title = words.frame;
        frame.src = config.panel + "?lang=" + encodeURIComponent(language());
        panel.appendChild(frame);
      }
      panel.hidden = false;
      button.setAttribute("aria-expanded", "true");
      frame.focus();
    }
    function hide() {
      if (panel.hidden) return;
      panel.hidden = true;
      button.setAttribute("aria-expanded", "false");
      button.focus();
    }
    button.addEventListener("click", function () { if (panel.hidden) open(); else hide(); });
    close.addEventListener("click", hide);
    document.addEventListener("keydown", function (event) { if (event.key === "Escape") hide(); });
    window.addEventListener("message", function (event) {
      if (!frame || event.origin !== config.origin || event.source !== frame.contentWindow) return;
      var data = event.data || {};
      if (data.type === READY) {
        frame.contentWindow.postMessage({ type: HELLO, identity: identity, page_url: location.href }, config.origin);
      } else if (data.type === CLOSE) {
        hide();
      }
    });
  }

  if (document.body) install();
  else document.addEventListener("DOMContentLoaded", install);
})();
