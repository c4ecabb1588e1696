// The requester's app: registers the service worker (installable app, offline page, push
// notifications) and drives the "notifications on this device" boxes.
(function () {
  "use strict";
  const script = document.currentScript;
  if (!("serviceWorker" in navigator) || !script) return;
  const registration = navigator.serviceWorker
    .register(script.dataset.worker, { scope: script.dataset.scope })
    .catch(function () { return null; });

  // The registration once its worker is active. Not navigator.serviceWorker.ready: on a
  // page outside the portal (the desk's duty page) it would never resolve.
  function active(reg) {
    if (!reg || reg.active) return Promise.resolve(reg);
    const worker = reg.installing || reg.waiting;
    return new Promise(function (resolve) {
      worker.addEventListener("statechange", function () {
        if (worker.state === "activated") resolve(reg);
      });
    });
  }

  function base64ToBytes(value) {
    const padded = (value + "===".slice((value.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    return Uint8Array.from(atob(padded), function (c) { return c.charCodeAt(0); });
  }

  function deviceLabel() {
    const ua = navigator.userAgent;
    const system = /Android/.test(ua) ? "Android" : /iPhone|iPad/.test(ua) ? "iOS" : /Mac OS X/.test(ua) ? "macOS"
      : /Windows/.test(ua) ? "Windows" : /Linux/.test(ua) ? "Linux" : "";
    const browser = /Edg\//.test(ua) ? "Edge" : /Firefox\//.test(ua) ? "Firefox" : /Chrome\//.test(ua) ? "Chrome"
      : /Safari\//.test(ua) ? "Safari" : "";
    return [system, browser].filter(Boolean).join(" · ");
  }

  function show(box, state) {
    box.querySelectorAll("[data-push-state]").forEach(function (el) { el.hidden = el.dataset.pushState !== state; });
    box.querySelector("[data-push-action=subscribe]").hidden = state === "on" || state === "unsupported";
    box.querySelector("[data-push-action=unsubscribe]").hidden = state !== "on";
  }

  function post(box, url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": box.dataset.csrf },
      body: JSON.stringify(body),
    }).then(function (answer) { if (!answer.ok) throw new Error("HTTP " + answer.status); return answer; });
  }

  async function subscribe(box) {
    const reg = await active(await registration);
    if (!reg) return show(box, "unsupported");
    const permission = await Notification.requestPermission();
    if (permission !== "granted") return show(box, "denied");
    try {
      const subscription = await reg.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: base64ToBytes(box.dataset.publicKey),
      });
      await post(box, box.dataset.subscribe, {
        subscription: subscription.toJSON(),
        label: deviceLabel(),
        emergencies: box.dataset.emergencies === "true",
      });
      show(box, "on");
    } catch (error) {
      show(box, "error");
    }
  }

  async function unsubscribe(box) {
    const reg = await registration;
    const subscription = reg && (await reg.pushManager.getSubscription());
    if (subscription) {
      await post(box, box.dataset.unsubscribe, { endpoint: subscription.endpoint }).catch(function () {});
      await subscription.unsubscribe();
    }
    show(box, "off");
  }

  async function setUp(box) {
    box.querySelector("[data-push-action=subscribe]").addEventListener("click", function () { subscribe(box); });
    box.querySelector("[data-push-action=unsubscribe]").addEventListener("click", function () { unsubscribe(box); });
    if (!("PushManager" in window) || !("Notification" in window)) return show(box, "unsupported");
    if (Notification.permission === "denied") return show(box, "denied");
    const reg = await registration;
    const subscription = reg && (await reg.pushManager.getSubscription());
    show(box, subscription ? "on" : "off");
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-push-device]").forEach(setUp);
  });
})();
