"""static/console/socket.js's gap detection, run in Node with the browser's objects stubbed: a
skipped sequence number asks for one resync; duplicates, other centers' numbers and a push
without numbers do not."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.fixtures.platform import ROOT

SOCKET_JS = ROOT / "static" / "console" / "socket.js"

HARNESS = """
const sent = [];
let socket = null;
const config = {urls: {socket: "/ws/console/", login: "/login/"}, labels: {}};
globalThis.location = {protocol: "http:", host: "localhost", pathname: "/console/", assign() {}};
globalThis.document = {
  getElementById: (id) => (id === "console-config" ? {textContent: JSON.stringify(config)}
                                                   : {hidden: true, textContent: ""}),
  body: {classList: {add() {}, remove() {}, toggle() {}}}, addEventListener() {},
};
globalThis.setInterval = () => 0; globalThis.clearInterval = () => {};
globalThis.setTimeout = () => 0; globalThis.clearTimeout = () => {};
globalThis.WebSocket = function () { socket = this; this.readyState = 1; };
globalThis.WebSocket.OPEN = 1;
WebSocket.prototype.send = function (text) { sent.push(JSON.parse(text).type); };
const { connect } = await import(process.argv[2]);  // after the stubs: the modules read them
connect({onMessage() {}});
socket.onopen();
const results = [];
for (const message of JSON.parse(process.argv[3])) {
  socket.onmessage({data: JSON.stringify(message)});
  results.push(sent.filter((t) => t === "resync").length);
}
console.log(JSON.stringify(results));
"""


def resyncs_after_each(messages: list[dict], tmp_path: Path) -> list[int]:
    # The console's files are ES modules: a copy in a folder that tells Node so.
    folder = tmp_path / "console"
    shutil.copytree(SOCKET_JS.parent, folder)
    (folder / "package.json").write_text('{"type": "module"}')
    harness = tmp_path / "harness.mjs"
    harness.write_text(HARNESS)
    out = subprocess.run(["node", str(harness), (folder / SOCKET_JS.name).as_uri(), json.dumps(messages)],
                         capture_output=True, text=True, timeout=30, check=True)
    return json.loads(out.stdout)


pytestmark = pytest.mark.usefixtures("node")


def push(**seq: int) -> dict:
    return {"type": "alert.updated", "alert": {"id": 1}, "seq": seq}


def test_a_skipped_number_of_the_watched_center_asks_for_one_resync(tmp_path):
    messages = [
        {"type": "snapshot", "alerts": [], "presence": {}, "seq": {"41590": 10}},
        push(**{"41590": 11, "*": 400}),  # the next: fine
        push(**{"41590": 11}),  # a late duplicate: fine
        push(**{"41270": 90}),  # another center's counter: not ours
        {"type": "presence", "presence": {}},  # no numbers
        push(**{"41590": 13}),  # 12 was lost
        push(**{"41590": 15}),  # another gap before the snapshot: no second resync
        {"type": "snapshot", "alerts": [], "presence": {}, "seq": {"41590": 15}},
        push(**{"41590": 16}),
        {"type": "seq", "seq": {"41590": 17}},  # a push not for us still advances the count
        push(**{"41590": 18}),
        push(**{"41590": 20}),  # lost again after the snapshot: a new resync
    ]
    assert resyncs_after_each(messages, tmp_path) == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 2]


def test_supervisors_follow_the_all_centers_counter(tmp_path):
    messages = [
        {"type": "snapshot", "alerts": [], "presence": {}, "seq": {"*": 7}},
        push(**{"41590": 3, "*": 8}),
        push(**{"41270": 9, "*": 10}),
    ]
    assert resyncs_after_each(messages, tmp_path) == [0, 0, 1]
