// @ts-check
/*
 * What the server tells the console (operators' page view, one json_script): who is logged in,
 * the URLs, and every text and list that comes from a server rule (the open statuses, the labels
 * in the request's language). Nothing here is decided in JavaScript.
 */

/**
 * @typedef {{code: string, name: string}} CenterBrief
 * @typedef {{
 *   user: {id: number, name: string, role: string, center: string | null},
 *   seesAll: boolean,
 *   capabilities: string[],
 *   centers: CenterBrief[],
 *   urls: {socket: string, api: string, cameras: string, boundaries: string, areas: string,
 *          facilities: string, login: string},
 *   tileUrl: string,
 *   resyncSeconds: number,
 *   nearest: {limit: number, radius: number},
 *   wallTiles: number,
 *   openStatuses: string[],
 *   labels: Record<string, any>,
 * }} ConsoleConfig
 */

const script = document.getElementById("console-config");

/** @type {ConsoleConfig} */
export const config = JSON.parse((script && script.textContent) || "{}");

const OPEN = new Set(config.openStatuses || []);

/**
 * Whether an alert with this status belongs in the queue (alerts.status.OPEN_STATUSES).
 * @param {{status: string}} alert
 */
export function isOpen(alert) {
  return OPEN.has(alert.status);
}

/**
 * The server's text at a dotted path of `config.labels` ("status.received"), else `fallback`
 * (else the path itself, so a missing text shows up instead of vanishing).
 * @param {string} path
 * @param {string} [fallback]
 * @returns {string}
 */
export function label(path, fallback) {
  /** @type {any} */
  const value = path.split(".").reduce((/** @type {any} */ obj, key) => obj && obj[key], config.labels);
  return value === undefined || value === null ? (fallback !== undefined ? fallback : path) : value;
}

/**
 * "%(n)s" placeholders, as Django's gettext strings use them.
 * @param {string} text
 * @param {Record<string, unknown>} values
 */
export function format(text, values) {
  return String(text).replace(/%\((\w+)\)s/g, (_, key) => (values[key] === undefined ? "" : String(values[key])));
}
