/*
 * The video wall: 1, 4 or 9 tiles, each one camera, named with its number, distance and status.
 * Media by what the camera offers: HLS (the browser's own player where it has one, else hls.js),
 * MJPEG as an <img>, or a snapshot reloaded every second with a cache-buster. A tile that cannot
 * play says so ("영상 없음") and keeps retrying on its own; it never holds up the other tiles.
 * An HLS stream that fails falls back to the camera's snapshot when it has one.
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

  // One tile's media. Calls tile.setState("loading" | "playing" | "dead").
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
          setState("playing");
          later(load, SNAPSHOT_EVERY_MS);
        };
        next.onerror = function () {
          failures += 1;
          if (failures >= 3) setState("dead");
          later(load, failures >= 3 ? RETRY_MS : SNAPSHOT_EVERY_MS);
        };
        next.src = cacheBust(url);
      }
      load();
    }

    function mjpeg(url) {
      var img = HS.el("img", "hs-media");
      img.alt = "";
      img.onload = function () { setState("playing"); };
      img.onerror = function () {
        if (camera.snapshot_url) snapshot(camera.snapshot_url);
        else { setState("dead"); later(function () { img.src = cacheBust(url); }, RETRY_MS); }
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
        setState("dead");
        later(function () { video(url); }, RETRY_MS);
      }
      // A stall watchdog: the tile is "playing" only while currentTime moves.
      (function watch() {
        if (gaveUp) return;
        if (player.currentTime !== lastTime) {
          lastTime = player.currentTime;
          lastProgress = Date.now();
          if (lastTime > 0) setState("playing");
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

    setState("loading");
    if (camera.hls_url) video(camera.hls_url);
    else if (camera.mjpeg_url) mjpeg(camera.mjpeg_url);
    else if (camera.snapshot_url) snapshot(camera.snapshot_url);
    else setState("dead");
    return stop;
  }

  function create(element) {
    var layout = HS.config.wallTiles;
    var tiles = []; // [{camera, node, stop}]

    function tileNode(camera) {
      var node = HS.el("figure", "hs-tile");
      node.dataset.cameraId = camera.id;
      var box = HS.el("div", "hs-tile__media");
      var dead = HS.el("div", "hs-tile__dead", HS.label("noVideo"));
      var caption = HS.el("figcaption", "hs-tile__caption");
      caption.append(
        HS.el("span", "hs-tile__name", camera.management_number || "#" + camera.id),
        HS.el("span", "hs-tile__distance", camera.distance_m !== null && camera.distance_m !== undefined ? HS.meters(camera.distance_m) : ""),
        HS.el("span", "hs-tile__status hs-tile__status--" + camera.status, HS.label("cameraStatus." + camera.status, camera.status))
      );
      caption.title = camera.address || "";
      node.append(box, dead, caption);
      var opened = false;
      function setState(state) {
        node.dataset.state = state;
        // Access log (issue 6): the feed goes camera-to-browser, so the tile reports its first frame.
        if (state === "playing" && !opened) { opened = true; HS.api("POST", "cameras/" + camera.id + "/opened", HS.selectedAlertId ? { alert: HS.selectedAlertId } : {}); }
      }
      return { camera: camera, node: node, stop: startMedia(camera, box, setState) };
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
          tile.node.querySelector(".hs-tile__distance").textContent =
            camera.distance_m !== undefined && camera.distance_m !== null ? HS.meters(camera.distance_m) : "";
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
