// @ts-check
/*
 * How the console says what a camera is, the same on the map, in the list and on the wall
 * (issue 15, point 7): its readable name (the server's `name`), where it stands from the alert
 * (an arrow and a compass word from `bearing_deg`), where it looks, whether the alert's position
 * is likely in its picture (`in_view`), and which cameras share a pole (`pole`, `pole_size`).
 * Everything is built as DOM nodes with text (never HTML: the names come from imports).
 */
import { format, label } from "./config.js";
import { el, meters } from "./util.js";

/**
 * @typedef {{
 *   id: number, name?: string, management_number?: string, address?: string, status: string,
 *   latitude: number, longitude: number, bearing?: number | null, bearing_deg?: number | null,
 *   distance_m?: number | null, in_view?: boolean | null, view_angle?: number,
 *   field_of_view?: number, pole?: number | null, pole_size?: number,
 *   hls_url?: string, mjpeg_url?: string, snapshot_url?: string,
 * }} Camera
 */

const COMPASS = ["n", "ne", "e", "se", "s", "sw", "w", "nw"];

/** @param {Camera} camera */
export function name(camera) {
  return camera.name || camera.management_number || camera.address ||
    format(label("camera.unnamed"), { id: camera.id });
}

/** @param {number} degrees */
export function compass(degrees) {
  return label("camera.compass." + COMPASS[Math.round(((degrees % 360) + 360) % 360 / 45) % 8]);
}

/**
 * An arrow turned to `degrees` (clockwise from north), with its meaning as text beside it.
 * @param {number} degrees
 * @param {string} [className]
 */
export function arrow(degrees, className) {
  const node = el("span", "hs-arrow" + (className ? " " + className : ""), "↑");
  node.style.transform = "rotate(" + Math.round(degrees) + "deg)"; // CSSOM: allowed by the policy
  node.setAttribute("aria-hidden", "true");
  return node;
}

/**
 * "↗ 북동 40 m": where the camera stands, seen from the alert.
 * @param {Camera} camera
 */
export function where(camera) {
  const box = el("span", "hs-cam-where");
  if (camera.bearing_deg !== null && camera.bearing_deg !== undefined) {
    box.append(arrow(camera.bearing_deg), el("span", null, compass(camera.bearing_deg) + " "));
  }
  if (camera.distance_m !== null && camera.distance_m !== undefined) box.append(meters(camera.distance_m));
  return box;
}

/**
 * "남쪽을 봄" with an arrow, or "360°", or nothing when the direction is unknown.
 * @param {Camera} camera
 */
export function facing(camera) {
  if (Number(camera.view_angle) >= 360 || Number(camera.field_of_view) >= 360) {
    return el("span", "hs-cam-facing", label("camera.allAround"));
  }
  if (camera.bearing === null || camera.bearing === undefined) return null;
  const box = el("span", "hs-cam-facing");
  box.append(arrow(camera.bearing, "hs-arrow--facing"),
             el("span", null, format(label("camera.faces"), { dir: compass(camera.bearing) })));
  return box;
}

/**
 * Whether the alert's position is likely in the picture: yes, no, or unknown direction.
 * @param {Camera} camera
 */
export function view(camera) {
  const key = camera.in_view === true ? "yes" : camera.in_view === false ? "no" : "unknown";
  const chip = el("span", "hs-cam-view hs-cam-view--" + key, label("camera.inView." + key));
  chip.dataset.inView = key;
  return chip;
}

/**
 * The cameras in the server's order (nearest first), each pole's cameras kept together where
 * its nearest one stands, so the numbers on the map, the list and the wall are the same.
 * @param {Camera[]} cameras
 * @returns {Camera[]}
 */
export function byPole(cameras) {
  /** @type {Map<number, Camera[]>} */
  const groups = new Map();
  cameras.forEach((camera) => {
    const key = camera.pole !== undefined && camera.pole !== null ? camera.pole : camera.id;
    const members = groups.get(key) || [];
    members.push(camera);
    groups.set(key, members);
  });
  /** @type {Camera[]} */
  const ordered = [];
  groups.forEach((members) => { ordered.push(...members); });
  return ordered;
}
