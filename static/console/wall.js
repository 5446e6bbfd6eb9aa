// @ts-check
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
import * as cameraText from "./cameras.js";
import { config, format, label } from "./config.js";
import * as store from "./store.js";
import { api, el } from "./util.js";

/** hls.js, the vendored classic script (static/vendor/hls.js); absent where it did not load. */
const Hls = /** @type {any} */ (window).Hls;

const SNAPSHOT_EVERY_MS = 1000;
const STALL_MS = 10000; // no new frame for this long: show the tile as dead
const RETRY_MS = 8000;

/** @param {string} url */
function cacheBust(url) {
  return url + (url.indexOf("?") === -1 ? "?" : "&") + "_=" + Date.now();
}

/** @param {HTMLVideoElement} video */
function nativeHls(video) {
  return !!video.canPlayType("application/vnd.apple.mpegurl");
}

// One tile's media. Calls setState(state, feed, shownAt): state "loading" | "playing" | "dead"
// (the tile has a picture or not), feed what it is: "loading", "live", "snapshot" (shownAt: when
// the picture on screen was taken, as far as we know: when it arrived), "none" (no stream
// configured), "offline" (the registry says so and nothing plays), "lost" (retrying).
/**
 * @param {import("./cameras.js").Camera} camera
 * @param {HTMLElement} box
 * @param {(state: string, feed: string, shownAt?: number) => void} setState
 * @returns {() => void} stops the media
 */
function startMedia(camera, box, setState) {
  const timers = [];
  let hls = null;
  let stopped = false;

  function later(fn, ms) { timers.push(setTimeout(() => { if (!stopped) fn(); }, ms)); }
  function stop() {
    stopped = true;
    timers.forEach(clearTimeout);
    if (hls) hls.destroy();
    box.replaceChildren();
  }

  function snapshot(url) {
    const img = el("img", "hs-media");
    img.alt = "";
    box.replaceChildren(img);
    let failures = 0;
    function load() {
      const next = new Image();
      next.onload = () => {
        failures = 0;
        img.src = next.src; // swap only once loaded: no flicker, no broken-image icon
        setState("playing", "snapshot", Date.now());
        later(load, SNAPSHOT_EVERY_MS);
      };
      next.onerror = () => {
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
    const img = el("img", "hs-media");
    img.alt = "";
    img.onload = () => { setState("playing", "live"); };
    img.onerror = () => {
      if (camera.snapshot_url) snapshot(camera.snapshot_url);
      else { setState("dead", lostFeed()); later(() => { img.src = cacheBust(url); }, RETRY_MS); }
    };
    box.replaceChildren(img);
    img.src = url;
  }

  function video(url) {
    const player = el("video", "hs-media");
    player.muted = true;
    player.autoplay = true;
    player.playsInline = true;
    box.replaceChildren(player);
    let lastTime = -1, lastProgress = Date.now(), gaveUp = false;
    // The stream is down: the camera's snapshot if it has one (a picture beats none), else
    // "no video" and another try later.
    function giveUp() {
      if (gaveUp) return;
      gaveUp = true;
      if (hls) { hls.destroy(); hls = null; }
      if (camera.snapshot_url) { box.dataset.fallback = "snapshot"; snapshot(camera.snapshot_url); return; }
      setState("dead", lostFeed());
      later(() => { video(url); }, RETRY_MS);
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
    if (Hls && Hls.isSupported() && !nativeHls(player)) {
      hls = new Hls({ liveDurationInfinity: true, lowLatencyMode: false, manifestLoadingMaxRetry: 2 });
      hls.on(Hls.Events.ERROR, (event, data) => {
        if (!data.fatal) return;
        if (data.type === Hls.ErrorTypes.MEDIA_ERROR) { hls.recoverMediaError(); return; }
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
    const play = player.play();
    if (play && play.catch) play.catch(() => { /* autoplay refused: muted, so rare */ });
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
/** @param {number} ms */
function age(ms) {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return seconds < 120 ? format(label("camera.secondsAgo"), { s: seconds })
    : format(label("camera.minutesAgo"), { m: Math.floor(seconds / 60) });
}

/** @param {HTMLElement} element */
export function createWall(element) {
  let layout = config.wallTiles;
  let tiles = []; // [{camera, node, stop}]

  /** @param {import("./cameras.js").Camera} camera */
  function tileNode(camera) {
    const node = el("figure", "hs-tile");
    node.dataset.cameraId = camera.id;
    const box = el("div", "hs-tile__media");
    const feed = el("div", "hs-tile__feed");
    const dead = el("div", "hs-tile__dead", label("noVideo"));
    const caption = el("figcaption", "hs-tile__caption");
    node.append(box, feed, dead, caption);
    const tile = { camera: camera, node: node, caption: caption };
    describe(tile, camera);
    let opened = false;
    let shownAt = null;
    let current = null;
    function showFeed() {
      let text = label("camera.feed." + current);
      if (current === "snapshot") text = format(label("camera.feed.snapshotAge"), { age: age(Date.now() - shownAt) });
      if (feed.textContent !== text) feed.textContent = text;
    }
    function setState(state, kind, at) {
      node.dataset.state = state;
      node.dataset.feed = kind;
      feed.className = "hs-tile__feed hs-tile__feed--" + kind;
      if (at) shownAt = at;
      current = kind;
      showFeed();
      if (state === "dead") dead.textContent = label("camera.feed." + kind);
      // Access log (issue 6): the feed goes camera-to-browser, so the tile reports its first frame.
      if (state === "playing" && !opened) { opened = true; api("POST", "cameras/" + camera.id + "/opened", store.state.selectedId ? { alert: store.state.selectedId } : {}); }
    }
    // A snapshot's age keeps counting between refreshes (and while they fail).
    const ticker = setInterval(() => { if (current === "snapshot") showFeed(); }, 1000);
    const stopMedia = startMedia(camera, box, setState);
    tile.stop = () => { clearInterval(ticker); stopMedia(); };
    return tile;
  }

  // The caption: readable name, where it stands from the alert and where it looks, whether
  // the alert's position is likely in view; the registry status only when it is not "active".
  function describe(tile, camera) {
    tile.camera = camera;
    const parts = [el("span", "hs-tile__name", cameraText.name(camera)), cameraText.where(camera)];
    const facing = cameraText.facing(camera);
    if (facing) parts.push(facing);
    parts.push(cameraText.view(camera));
    if (camera.status && camera.status !== "active") {
      parts.push(el("span", "hs-tile__status hs-tile__status--" + camera.status,
                       label("cameraStatus." + camera.status, camera.status)));
    }
    tile.caption.replaceChildren.apply(tile.caption, parts);
    tile.caption.title = [cameraText.name(camera), camera.address].filter(Boolean).join(" · ");
  }

  function render() {
    element.className = "hs-wall hs-wall--" + layout;
    element.replaceChildren.apply(element, tiles.map((tile) => tile.node));
  }

  // Show these cameras, keeping the tiles (and their running streams) of cameras already shown.
  /** @param {import("./cameras.js").Camera[]} cameras */
  function show(cameras) {
    const wanted = cameras.slice(0, layout);
    const keep = new Map();
    tiles.forEach((tile) => { keep.set(tile.camera.id, tile); });
    const next = wanted.map((camera) => {
      const tile = keep.get(camera.id);
      if (tile) {
        keep.delete(camera.id);
        describe(tile, camera); // the alert moved: distance, direction and view change
        return tile;
      }
      return tileNode(camera);
    });
    keep.forEach((tile) => { tile.stop(); });
    tiles = next;
    render();
  }

  // A clicked camera goes first on the wall; the last tile makes room.
  /** @param {import("./cameras.js").Camera} camera */
  function put(camera) {
    const rest = tiles.map((tile) => tile.camera).filter((c) => c.id !== camera.id);
    show([camera].concat(rest));
  }

  /** @param {number} n  tiles: 1, 4 or 9 */
  function setLayout(n) {
    const cameras = tiles.map((tile) => tile.camera);
    layout = n;
    return cameras;
  }

  return {
    show: show,
    put: put,
    setLayout: setLayout,
    layout: () => layout,
    has: (id) => { return tiles.some((tile) => tile.camera.id === id); },
    clear: () => { show([]); },
  };
}

