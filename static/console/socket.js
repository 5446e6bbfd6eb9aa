// @ts-check
/*
 * The console's websocket (docs/console-protocol.md): reconnects by itself with backoff
 * (1, 2, 5, 10 s), puts the connection state in the store (the offline banner below follows it)
 * and hands every message to onMessage. Every (re)connect starts with a fresh snapshot from the
 * server, so nothing is lost meanwhile. 4401 (not logged in) goes to the login page and 4403 (not
 * allowed) stops: retrying won't help.
 * Pushes carry per-center sequence numbers (`seq`); a number skipped means a push was lost on the
 * way, and the socket asks for a fresh snapshot (`resync`) at once.
 */
import { config, label } from "./config.js";
import { setConnection, state, subscribe } from "./store.js";

const BACKOFF_S = [1, 2, 5, 10];
const PING_EVERY_MS = 25000;
const PONG_TIMEOUT_MS = 10000;
// A server restart or a dropped proxy connection is often back within a second: the banner
// shows only if we are still away after this, so operators are not trained to ignore it.
const OFFLINE_GRACE_MS = 2000;

/**
 * @typedef {{type: string, seq?: Record<string, number>, [key: string]: any}} Message
 * @typedef {{send: (message: object) => void, isOpen: () => boolean, everOpen: () => boolean}} Socket
 */

/**
 * @param {{onMessage: (message: Message) => void}} options
 * @returns {Socket}
 */
export function connect(options) {
  let attempt = 0;
  /** @type {WebSocket | null} */
  let socket = null;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let pingTimer;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let pongTimer;
  let stopped = false;
  let everOpen = false;
  /** @type {ReturnType<typeof setTimeout> | null} */
  let offlineTimer = null;
  /** @type {Record<string, number> | null} {center code or "*": last number seen}, from the last snapshot */
  let lastSeq = null;
  let resyncAsked = false;

  function url() {
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    return scheme + location.host + config.urls.socket;
  }

  function open() {
    if (stopped) return;
    const ws = new WebSocket(url());
    socket = ws;
    ws.onopen = () => {
      attempt = 0;
      everOpen = true;
      if (offlineTimer) clearTimeout(offlineTimer);
      offlineTimer = null;
      clearInterval(pingTimer);
      pingTimer = setInterval(ping, PING_EVERY_MS);
      setConnection("online");
    };
    ws.onmessage = (event) => {
      /** @type {Message} */
      let message;
      try { message = JSON.parse(event.data); } catch (error) { return; }
      if (message.type === "pong") clearTimeout(pongTimer);
      checkSeq(message);
      options.onMessage(message);
    };
    ws.onclose = (event) => {
      clearInterval(pingTimer);
      clearTimeout(pongTimer);
      socket = null;
      if (event.code === 4401) {
        stopped = true;
        location.assign(config.urls.login + "?next=" + encodeURIComponent(location.pathname));
        return;
      }
      if (event.code === 4403) {
        stopped = true;
        setConnection("forbidden");
        return;
      }
      if (!offlineTimer) {
        offlineTimer = setTimeout(() => { setConnection("offline"); }, everOpen ? OFFLINE_GRACE_MS : 0);
      }
      const delay = BACKOFF_S[Math.min(attempt, BACKOFF_S.length - 1)];
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
    pongTimer = setTimeout(() => { if (socket) socket.close(); }, PONG_TIMEOUT_MS);
  }

  // The snapshot says where each watched counter stands; every push after it must be the next
  // number of each counter it carries. Only the snapshot's own codes count: a push also numbers
  // the other centers it went to. A number at or below the last is a late duplicate: no gap.
  /** @param {Message} message */
  function checkSeq(message) {
    if (message.type === "snapshot") {
      lastSeq = message.seq || null;
      resyncAsked = false;
      return;
    }
    const seen = lastSeq;
    const carried = message.seq;
    if (!seen || !carried) return;
    let gap = false;
    Object.keys(seen).forEach((code) => {
      const number = carried[code];
      if (typeof number !== "number") return;
      if (number > seen[code] + 1) gap = true;
      if (number > seen[code]) seen[code] = number;
    });
    if (gap && !resyncAsked) {
      resyncAsked = true; // one resync until its snapshot arrives
      send({ type: "resync" });
    }
  }

  /** @param {object} message */
  function send(message) {
    if (socket && socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify(message));
  }

  // A push can be lost on the way (a console fell too far behind, Redis restarted) without the
  // socket closing: a fresh snapshot now and then bounds how long anything stays missed.
  setInterval(() => { send({ type: "resync" }); }, (config.resyncSeconds || 30) * 1000);

  // A tab that slept (laptop lid, background throttling) may have missed pushes.
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") send({ type: "resync" });
  });

  open();
  return {
    send,
    isOpen: () => !!socket && socket.readyState === WebSocket.OPEN,
    everOpen: () => everOpen,
  };
}

// The offline banner follows the store's connection state.
subscribe((topic) => {
  if (topic !== "connection") return;
  const banner = /** @type {HTMLElement} */ (document.getElementById("offline-banner"));
  const away = state.connection === "offline" || state.connection === "forbidden";
  if (away) banner.textContent = label(state.connection === "forbidden" ? "forbidden" : "offline");
  banner.hidden = !away;
  document.body.classList.toggle("hs-offline", away);
});
