// @ts-check
/*
 * What the server tells the console (console/views.py, one json_script): who is logged in, the
 * centers, the URLs, and every text the scripts show, in the request's language. Rules (which
 * alerts are open, their order, who sees them) stay on the server: each alert carries the answers.
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
 *   labels: Record<string, any>,
 * }} ConsoleConfig
 */

const script = document.getElementById("console-config");

/** @type {ConsoleConfig} */
export const config = JSON.parse((script && script.textContent) || "{}");

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
