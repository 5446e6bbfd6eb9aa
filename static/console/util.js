// @ts-check
/*
 * Small helpers shared by the console modules: DOM nodes with text, Seoul times, the console API
 * and the alarm beep. Text from the server (names, addresses, notes) is always set with
 * textContent, never as HTML.
 */
import { config, format, label } from "./config.js";

let clockSkewMs = 0; // server time minus browser time, from each snapshot
const seoulTime = new Intl.DateTimeFormat("ko-KR", {
  timeZone: "Asia/Seoul", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
});
const seoulDateTime = new Intl.DateTimeFormat("ko-KR", {
  timeZone: "Asia/Seoul", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false,
});

/**
 * @template {keyof HTMLElementTagNameMap} K
 * @param {K} tag
 * @param {string | null} [className]
 * @param {unknown} [text]
 * @returns {HTMLElementTagNameMap[K]}
 */
export function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

export function now() { return Date.now() + clockSkewMs; }

/** @param {string} iso */
export function setServerTime(iso) {
  const server = Date.parse(iso);
  if (!isNaN(server)) clockSkewMs = server - Date.now();
}

/**
 * Golden time: how long since the alert came in, as m:ss (h:mm:ss past an hour).
 * @param {string} iso
 */
export function elapsed(iso) {
  const seconds = Math.max(0, Math.floor((now() - Date.parse(iso)) / 1000));
  const h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
  const mmss = (h ? h + ":" + String(m).padStart(2, "0") : m) + ":" + String(s).padStart(2, "0");
  return { seconds, text: mmss };
}

/** @param {string | null | undefined} iso */
export function time(iso) { return iso ? seoulTime.format(new Date(iso)) : ""; }
/** @param {string | null | undefined} iso */
export function dateTime(iso) { return iso ? seoulDateTime.format(new Date(iso)) : ""; }

/** @param {number} value */
export function meters(value) {
  return format(label("meters"), { m: Math.round(value).toLocaleString("ko-KR") });
}

/** @param {string} name */
function cookie(name) {
  const match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
  return match ? decodeURIComponent(match[1]) : "";
}

/**
 * @typedef {{ok: boolean, status: number, body: any}} ApiAnswer
 */

/**
 * JSON over the console API with the session cookie and the CSRF token. Resolves with
 * {ok, status, body}; never rejects on HTTP errors, only when the network is down.
 * A path without a leading "/" is relative to the console API.
 * @param {string} method
 * @param {string} path
 * @param {object} [body]
 * @returns {Promise<ApiAnswer>}
 */
export function api(method, path, body) {
  /** @type {Record<string, string>} */
  const headers = { Accept: "application/json" };
  /** @type {RequestInit} */
  const options = { method, credentials: "same-origin", headers };
  if (method !== "GET") {
    headers["Content-Type"] = "application/json";
    headers["X-CSRFToken"] = cookie("csrftoken");
    options.body = JSON.stringify(body || {});
  }
  const url = path.charAt(0) === "/" ? path : config.urls.api + path;
  return fetch(url, options).then((response) => response.json().catch(() => ({}))
    .then((data) => ({ ok: response.ok, status: response.status, body: data })));
}

// --- The alarm: a short two-tone beep from the Web Audio API (no audio file to load) ---------
/** @type {AudioContext | null} */
let audio = null;
let beeps = 0;

/** @returns {AudioContext} */
function newAudio() {
  const Context = window.AudioContext || /** @type {any} */ (window).webkitAudioContext;
  return new Context();
}

export function beep() {
  beeps += 1;
  try {
    const context = audio || newAudio();
    audio = context;
    if (context.state === "suspended") context.resume();
    [880, 660].forEach((frequency, i) => {
      const osc = context.createOscillator();
      const gain = context.createGain();
      const start = context.currentTime + i * 0.18;
      osc.type = "square";
      osc.frequency.value = frequency;
      gain.gain.setValueAtTime(0.15, start);
      gain.gain.exponentialRampToValueAtTime(0.001, start + 0.16);
      osc.connect(gain).connect(context.destination);
      osc.start(start);
      osc.stop(start + 0.17);
    });
  } catch (error) {
    // No audio device: the visual alarm still runs.
  }
}

/** How many times the alarm sounded (tests read it through window.HSConsole). */
export function beepCount() { return beeps; }

// Browsers keep audio suspended until the first click on the page (the login click was on
// another page): say so on the sound button, and unlock on any click. A kiosk browser started
// with --autoplay-policy=no-user-gesture-required never needs the click.
function watchAudio() {
  let context;
  try {
    context = newAudio();
  } catch (error) {
    return;
  }
  audio = context;
  const update = () => { document.body.classList.toggle("hs-sound-blocked", context.state === "suspended"); };
  context.onstatechange = update;
  update();
}

/** Called once by console.js: starts watching whether the browser lets the page sound. */
export function startAudio() {
  document.addEventListener("click", () => {
    if (audio && audio.state === "suspended") audio.resume();
  });
  watchAudio();
}
