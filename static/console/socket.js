/*
 * The console's websocket (docs/console-protocol.md): reconnects by itself with backoff
 * (1, 2, 5, 10 s), shows the offline banner while away, and hands every message to onMessage.
 * Every (re)connect starts with a fresh snapshot from the server, so nothing is lost meanwhile.
 * 4401 (not logged in) goes to the login page and 4403 (not allowed) stops: retrying won't help.
 * Pushes carry per-center sequence numbers (`seq`); a number skipped means a push was lost on the
 * way, and the socket asks for a fresh snapshot (`resync`) at once.
 */
(function () {
  "use strict";

  var BACKOFF_S = [1, 2, 5, 10];
  var PING_EVERY_MS = 25000;
  var PONG_TIMEOUT_MS = 10000;
  // A server restart or a dropped proxy connection is often back within a second: the banner
  // shows only if we are still away after this, so operators are not trained to ignore it.
  var OFFLINE_GRACE_MS = 2000;

  function connect(options) {
    var banner = document.getElementById("offline-banner");
    var attempt = 0;
    var socket = null;
    var pingTimer = null;
    var pongTimer = null;
    var stopped = false;
    var everOpen = false;
    var offlineTimer = null;
    var lastSeq = null; // {center code or "*": last number seen}, from the last snapshot
    var resyncAsked = false;

    function url() {
      var scheme = location.protocol === "https:" ? "wss://" : "ws://";
      return scheme + location.host + HS.config.urls.socket;
    }

    function showOffline(text) {
      banner.textContent = text;
      banner.hidden = false;
      document.body.classList.add("hs-offline");
      if (options.onOffline) options.onOffline();
    }

    function open() {
      if (stopped) return;
      socket = new WebSocket(url());
      socket.onopen = function () {
        attempt = 0;
        everOpen = true;
        clearTimeout(offlineTimer);
        offlineTimer = null;
        banner.hidden = true;
        document.body.classList.remove("hs-offline");
        clearInterval(pingTimer);
        pingTimer = setInterval(ping, PING_EVERY_MS);
        if (options.onOnline) options.onOnline();
      };
      socket.onmessage = function (event) {
        var message;
        try { message = JSON.parse(event.data); } catch (error) { return; }
        if (message.type === "pong") clearTimeout(pongTimer);
        checkSeq(message);
        options.onMessage(message);
      };
      socket.onclose = function (event) {
        clearInterval(pingTimer);
        clearTimeout(pongTimer);
        socket = null;
        if (event.code === 4401) {
          stopped = true;
          location.assign(HS.config.urls.login + "?next=" + encodeURIComponent(location.pathname));
          return;
        }
        if (event.code === 4403) {
          stopped = true;
          showOffline(HS.label("forbidden"));
          return;
        }
        if (!offlineTimer) {
          offlineTimer = setTimeout(function () { showOffline(HS.label("offline")); }, everOpen ? OFFLINE_GRACE_MS : 0);
        }
        var delay = BACKOFF_S[Math.min(attempt, BACKOFF_S.length - 1)];
        attempt += 1;
        setTimeout(open, delay * 1000);
      };
    }

    // A half-open TCP connection (a cable pulled, a NAT timeout) never fires onclose by itself:
    // no pong in time means the socket is dead, so close it and let the backoff reconnect.
    function ping() {
      if (!socket || socket.readyState !== WebSocket.OPEN) return;
      socket.send(JSON.stringify({ type: "ping" }));
      clearTimeout(pongTimer);
      pongTimer = setTimeout(function () { if (socket) socket.close(); }, PONG_TIMEOUT_MS);
    }

    // The snapshot says where each watched counter stands; every push after it must be the next
    // number of each counter it carries. Only the snapshot's own codes count: a push also numbers
    // the other centers it went to. A number at or below the last is a late duplicate: no gap.
    function checkSeq(message) {
      if (message.type === "snapshot") {
        lastSeq = message.seq || null;
        resyncAsked = false;
        return;
      }
      if (!lastSeq || !message.seq) return;
      var gap = false;
      Object.keys(lastSeq).forEach(function (code) {
        var number = message.seq[code];
        if (typeof number !== "number") return;
        if (number > lastSeq[code] + 1) gap = true;
        if (number > lastSeq[code]) lastSeq[code] = number;
      });
      if (gap && !resyncAsked) {
        resyncAsked = true; // one resync until its snapshot arrives
        send({ type: "resync" });
      }
    }

    function send(message) {
      if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
    }

    // A push can be lost on the way (a console fell too far behind, Redis restarted) without the
    // socket closing: a fresh snapshot now and then bounds how long anything stays missed.
    setInterval(function () { send({ type: "resync" }); }, (HS.config.resyncSeconds || 30) * 1000);

    // A tab that slept (laptop lid, background throttling) may have missed pushes.
    document.addEventListener("visibilitychange", function () {
      if (document.visibilityState === "visible") send({ type: "resync" });
    });

    open();
    return {
      send: send,
      isOpen: function () { return !!socket && socket.readyState === WebSocket.OPEN; },
      everOpen: function () { return everOpen; },
    };
  }

  HS.socket = { connect: connect };
})();
