/*
 * Console helpers shared by the other scripts (no build step: one global, HS).
 * Text from the server (names, addresses, notes) is always set with textContent, never as HTML.
 */
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("console-config").textContent);
  var clockSkewMs = 0; // server time minus browser time, from each snapshot
  var seoulTime = new Intl.DateTimeFormat("ko-KR", {
    timeZone: "Asia/Seoul", hour: "2-digit", minute: "2-digit", second: "2-digit", hour12: false,
  });
  var seoulDateTime = new Intl.DateTimeFormat("ko-KR", {
    timeZone: "Asia/Seoul", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hour12: false,
  });

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function label(path, fallback) {
    var value = path.split(".").reduce(function (obj, key) { return obj && obj[key]; }, config.labels);
    return value === undefined || value === null ? (fallback !== undefined ? fallback : path) : value;
  }

  // "%(n)s" placeholders, as Django's gettext strings use them.
  function format(text, values) {
    return String(text).replace(/%\((\w+)\)s/g, function (_, key) {
      return values[key] === undefined ? "" : String(values[key]);
    });
  }

  function now() { return Date.now() + clockSkewMs; }

  function setServerTime(iso) {
    var server = Date.parse(iso);
    if (!isNaN(server)) clockSkewMs = server - Date.now();
  }

  // Golden time: how long since the alert came in, as m:ss (h:mm:ss past an hour).
  function elapsed(iso) {
    var seconds = Math.max(0, Math.floor((now() - Date.parse(iso)) / 1000));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    var mmss = (h ? h + ":" + String(m).padStart(2, "0") : m) + ":" + String(s).padStart(2, "0");
    return { seconds: seconds, text: mmss };
  }

  function time(iso) { return iso ? seoulTime.format(new Date(iso)) : ""; }
  function dateTime(iso) { return iso ? seoulDateTime.format(new Date(iso)) : ""; }

  function meters(value) {
    return format(label("meters"), { m: Math.round(value).toLocaleString("ko-KR") });
  }

  function cookie(name) {
    var match = document.cookie.match(new RegExp("(?:^|; )" + name + "=([^;]*)"));
    return match ? decodeURIComponent(match[1]) : "";
  }

  // JSON over the console API with the session cookie and the CSRF token. Resolves with
  // {ok, status, body}; never rejects on HTTP errors, only when the network is down.
  function api(method, path, body) {
    var options = { method: method, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (method !== "GET") {
      options.headers["Content-Type"] = "application/json";
      options.headers["X-CSRFToken"] = cookie("csrftoken");
      options.body = JSON.stringify(body || {});
    }
    var url = path.charAt(0) === "/" ? path : config.urls.api + path;
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, status: response.status, body: data };
      });
    });
  }

  // The alarm: a short two-tone beep from the Web Audio API (no audio file to load).
  var audio = null;
  var muted = false;
  var beeps = 0;
  function beep() {
    beeps += 1;
    if (muted) return;
    try {
      audio = audio || new (window.AudioContext || window.webkitAudioContext)();
      if (audio.state === "suspended") audio.resume();
      [880, 660].forEach(function (frequency, i) {
        var osc = audio.createOscillator();
        var gain = audio.createGain();
        var start = audio.currentTime + i * 0.18;
        osc.type = "square";
        osc.frequency.value = frequency;
        gain.gain.setValueAtTime(0.15, start);
        gain.gain.exponentialRampToValueAtTime(0.001, start + 0.16);
        osc.connect(gain).connect(audio.destination);
        osc.start(start);
        osc.stop(start + 0.17);
      });
    } catch (error) {
      // No audio device: the visual alarm still runs.
    }
  }
  // Browsers keep audio suspended until the first click on the page (the login click was on
  // another page): say so on the sound button, and unlock on any click. A kiosk browser started
  // with --autoplay-policy=no-user-gesture-required never needs the click.
  function watchAudio() {
    try {
      audio = new (window.AudioContext || window.webkitAudioContext)();
    } catch (error) {
      return;
    }
    var update = function () { document.body.classList.toggle("hs-sound-blocked", audio.state === "suspended"); };
    audio.onstatechange = update;
    update();
  }
  document.addEventListener("click", function () {
    if (audio && audio.state === "suspended") audio.resume();
  });
  watchAudio();

  window.HS = {
    config: config,
    el: el,
    label: label,
    format: format,
    now: now,
    setServerTime: setServerTime,
    elapsed: elapsed,
    time: time,
    dateTime: dateTime,
    meters: meters,
    api: api,
    beep: beep,
    setMuted: function (value) { muted = value; },
    beepCount: function () { return beeps; },
  };
})();
