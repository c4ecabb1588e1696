{% load i18n %}{% autoescape off %}// Comptoir's service worker: keeps the offline page, shows it when the network fails,
// and shows the push notifications of the requester's answers and status changes.
"use strict";
const CACHE = "comptoir-shell-{{ LANGUAGE_CODE|default:'fr' }}-2";
const OFFLINE = {{ offline_url_json }};
const SHELL = {{ shell_json }};
const ICON = {{ icon_json }};

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(CACHE)
      .then(function (cache) { return cache.addAll(SHELL); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (names) {
        return Promise.all(names.filter(function (n) { return n.startsWith("comptoir-shell-") && n !== CACHE; })
          .map(function (n) { return caches.delete(n); }));
      })
      .then(function () { return self.clients.claim(); })
  );
});

self.addEventListener("fetch", function (event) {
  const request = event.request;
  if (request.method !== "GET") return;
  if (request.mode === "navigate") {
    // Pages always come from the network (they are the person's live data); the offline
    // page only when it cannot be reached.
    event.respondWith(fetch(request).catch(function () { return caches.match(OFFLINE); }));
    return;
  }
  const path = new URL(request.url).pathname;
  if (SHELL.indexOf(path) !== -1) {
    event.respondWith(caches.match(request).then(function (hit) { return hit || fetch(request); }));
  }
});

self.addEventListener("push", function (event) {
  let note = {};
  try { note = event.data ? event.data.json() : {}; } catch (error) { note = {}; }
  event.waitUntil(self.registration.showNotification(note.title || "Comptoir", {
    body: note.body || "",
    icon: ICON,
    badge: ICON,
    tag: note.tag || undefined,
    data: { url: note.url || self.registration.scope },
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  const url = event.notification.data && event.notification.data.url;
  event.waitUntil(self.clients.matchAll({ type: "window", includeUncontrolled: true }).then(function (windows) {
    for (const client of windows) {
      if (client.url === url && "focus" in client) return client.focus();
    }
    return self.clients.openWindow(url || self.registration.scope);
  }));
});
{% endautoescape %}
