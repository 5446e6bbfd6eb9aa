/*
 * The video wall: 1, 4 or 9 tiles, each one camera. Media by what the camera offers: HLS (the
 * browser's own player where it has one, else hls.js), MJPEG as an <img>, or a snapshot reloaded
 * every second with a cache-buster. A tile that cannot play says so and keeps retrying on its own;
 * it never holds up the other tiles. An HLS stream that fails falls back to the camera's snapshot.
 *
 * Every tile says plainly what it shows (issue 15, point 7), in a badge on top of the picture:
 * live video, a snapshot and how old it is, no stream at all, the camera offline, or a signal
 * lost and being retried. A snapshot is never dressed up as video.
 */
(function () {
  "use strict";

  var SNAPSHOT_EVERY_MS = 1000;
  var STALL_MS = 10000; // no new frame for this long: show the tile as dead
  var RETRY_MS = 8000;

  function cacheBust(url) {
    return url + (url.indexOf("?") === -1 ? "?" : "&") + "_=" + Date.now();
  }

  function nativeHls(video) {
    return !!video.canPlayType("application/vnd.apple.mpegurl");
  }

  // One tile's media. Calls setState(state, feed, shownAt): state "loading" | "playing" | "dead"
  // (the tile has a picture or not), feed what it is: "loading", "live", "snapshot" (shownAt: when
  // the picture on screen was taken, as far as we know: when it arrived), "none" (no stream
  // configured), "offline" (the registry says so and nothing plays), "lost" (retrying).
  function startMedia(camera, box, setState) {
    var timers = [];
    var hls = null;
    var stopped = false;

    function later(fn, ms) { timers.push(setTimeout(function () { if (!stopped) fn(); }, ms)); }
    function stop() {
      stopped = true;
      timers.forEach(clearTimeout);
      if (hls) hls.destroy();
      box.replaceChildren();
    }

    function snapshot(url) {
      var img = HS.el("img", "hs-media");
      img.alt = "";
      box.replaceChildren(img);
      var failures = 0;
      function load() {
        var next = new Image();
        next.onload = function () {
          failures = 0;
          img.src = next.src; // swap only once loaded: no flicker, no broken-image icon
          setState("playing", "snapshot", Date.now());
          later(load, SNAPSHOT_EVERY_MS);
        };
        next.onerror = function () {
          failures += 1;
          // The last picture stays, its age growing, until three failures in a row.
          if (failures >= 3) setState("dead", lostFeed());
          later(load, failures >= 3 ? RETRY_MS : SNAPSHOT_EVERY_MS);
        };
        next.src = cacheBust(url);
      }
      load();
    }

    function mjpeg(url) {
      var img = HS.el("img", "hs-media");
      img.alt = "";
      img.onload = function () { setState("playing", "live"); };
      img.onerror = function () {
        if (camera.snapshot_url) snapshot(camera.snapshot_url);
        else { setState("dead", lostFeed()); later(function () { img.src = cacheBust(url); }, RETRY_MS); }
      };
      box.replaceChildren(img);
      img.src = url;
    }

    function video(url) {
      var player = HS.el("video", "hs-media");
      player.muted = true;
      player.autoplay = true;
      player.playsInline = true;
      box.replaceChildren(player);
      var lastTime = -1, lastProgress = Date.now(), gaveUp = false;
      // The stream is down: the camera's snapshot if it has one (a picture beats none), else
      // "no video" and another try later.
      function giveUp() {
        if (gaveUp) return;
        gaveUp = true;
        if (hls) { hls.destroy(); hls = null; }
        if (camera.snapshot_url) { box.dataset.fallback = "snapshot"; snapshot(camera.snapshot_url); return; }
        setState("dead", lostFeed());
        later(function () { video(url); }, RETRY_MS);
      }
      // A stall watchdog: the tile is "playing" only while currentTime moves.
      (function watch() {
        if (gaveUp) return;
        if (player.currentTime !== lastTime) {
          lastTime = player.currentTime;
          lastProgress = Date.now();
          if (lastTime > 0) setState("playing", "live");
        } else if (Date.now() - lastProgress > STALL_MS) {
          giveUp();
          return;
        }
        later(watch, 1000);
      })();
      if (window.Hls && window.Hls.isSupported() && !nativeHls(player)) {
        hls = new window.Hls({ liveDurationInfinity: true, lowLatencyMode: false, manifestLoadingMaxRetry: 2 });
        hls.on(window.Hls.Events.ERROR, function (event, data) {
          if (!data.fatal) return;
          if (data.type === window.Hls.ErrorTypes.MEDIA_ERROR) { hls.recoverMediaError(); return; }
          giveUp();
        });
        hls.loadSource(url);
        hls.attachMedia(player);
      } else if (nativeHls(player)) {
        player.src = url;
        player.onerror = giveUp;
      } else {
        giveUp(); // no HLS in this browser at all
        return;
      }
      var play = player.play();
      if (play && play.catch) play.catch(function () { /* autoplay refused: muted, so rare */ });
    }

    // A camera the registry marks offline is still tried (it may be back), but a failure then
    // says "offline", not "signal lost".
    function lostFeed() { return camera.status === "offline" ? "offline" : "lost"; }

    setState("loading", "loading");
    if (camera.hls_url) video(camera.hls_url);
    else if (camera.mjpeg_url) mjpeg(camera.mjpeg_url);
    else if (camera.snapshot_url) snapshot(camera.snapshot_url);
    else setState("dead", camera.status === "offline" ? "offline" : "none");
    return stop;
  }

  // "3초 전", "2분 전": how old the picture on screen is.
  function age(ms) {
    var seconds = Math.max(0, Math.round(ms / 1000));
    return seconds < 120 ? HS.format(HS.label("camera.secondsAgo"), { s: seconds })
      : HS.format(HS.label("camera.minutesAgo"), { m: Math.floor(seconds / 60) });
  }

  function create(element) {
    var layout = HS.config.wallTiles;
    var tiles = []; // [{camera, node, stop}]

    function tileNode(camera) {
      var node = HS.el("figure", "hs-tile");
      node.dataset.cameraId = camera.id;
      var box = HS.el("div", "hs-tile__media");
      var feed = HS.el("div", "hs-tile__feed");
      var dead = HS.el("div", "hs-tile__dead", HS.label("noVideo"));
      var caption = HS.el("figcaption", "hs-tile__caption");
      node.append(box, feed, dead, caption);
      var tile = { camera: camera, node: node, caption: caption };
      describe(tile, camera);
      var opened = false;
      var shownAt = null;
      var current = null;
      function showFeed() {
        var text = HS.label("camera.feed." + current);
        if (current === "snapshot") text = HS.format(HS.label("camera.feed.snapshotAge"), { age: age(Date.now() - shownAt) });
        if (feed.textContent !== text) feed.textContent = text;
      }
      function setState(state, kind, at) {
        node.dataset.state = state;
        node.dataset.feed = kind;
        feed.className = "hs-tile__feed hs-tile__feed--" + kind;
        if (at) shownAt = at;
        current = kind;
        showFeed();
        if (state === "dead") dead.textContent = HS.label("camera.feed." + kind);
        // Access log (issue 6): the feed goes camera-to-browser, so the tile reports its first frame.
        if (state === "playing" && !opened) { opened = true; HS.api("POST", "cameras/" + camera.id + "/opened", HS.selectedAlertId ? { alert: HS.selectedAlertId } : {}); }
      }
      // A snapshot's age keeps counting between refreshes (and while they fail).
      var ticker = setInterval(function () { if (current === "snapshot") showFeed(); }, 1000);
      var stopMedia = startMedia(camera, box, setState);
      tile.stop = function () { clearInterval(ticker); stopMedia(); };
      return tile;
    }

    // The caption: readable name, where it stands from the alert and where it looks, whether
    // the alert's position is likely in view; the registry status only when it is not "active".
    function describe(tile, camera) {
      tile.camera = camera;
      var parts = [HS.el("span", "hs-tile__name", HS.cameras.name(camera)), HS.cameras.where(camera)];
      var facing = HS.cameras.facing(camera);
      if (facing) parts.push(facing);
      parts.push(HS.cameras.view(camera));
      if (camera.status && camera.status !== "active") {
        parts.push(HS.el("span", "hs-tile__status hs-tile__status--" + camera.status,
                         HS.label("cameraStatus." + camera.status, camera.status)));
      }
      tile.caption.replaceChildren.apply(tile.caption, parts);
      tile.caption.title = [HS.cameras.name(camera), camera.address].filter(Boolean).join(" · ");
    }

    function render() {
      element.className = "hs-wall hs-wall--" + layout;
      element.replaceChildren.apply(element, tiles.map(function (tile) { return tile.node; }));
    }

    // Show these cameras, keeping the tiles (and their running streams) of cameras already shown.
    function show(cameras) {
      var wanted = cameras.slice(0, layout);
      var keep = new Map();
      tiles.forEach(function (tile) { keep.set(tile.camera.id, tile); });
      var next = wanted.map(function (camera) {
        var tile = keep.get(camera.id);
        if (tile) {
          keep.delete(camera.id);
          describe(tile, camera); // the alert moved: distance, direction and view change
          return tile;
        }
        return tileNode(camera);
      });
      keep.forEach(function (tile) { tile.stop(); });
      tiles = next;
      render();
    }

    // A clicked camera goes first on the wall; the last tile makes room.
    function put(camera) {
      var rest = tiles.map(function (tile) { return tile.camera; }).filter(function (c) { return c.id !== camera.id; });
      show([camera].concat(rest));
    }

    function setLayout(n) {
      var cameras = tiles.map(function (tile) { return tile.camera; });
      layout = n;
      return cameras;
    }

    return {
      show: show,
      put: put,
      setLayout: setLayout,
      layout: function () { return layout; },
      has: function (id) { return tiles.some(function (tile) { return tile.camera.id === id; }); },
      clear: function () { show([]); },
    };
  }

  HS.wall = { create: create };
})();
