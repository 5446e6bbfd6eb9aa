"""static/console/*.js are ES modules (docs/console.md, "The scripts"): every import names a file of
the folder and an export it has (linked in Node without running anything), console.js reaches every
file, each file is type-checked by editors (`// @ts-check`), and none goes back to the old global
or to `var`."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests.fixtures.platform import ROOT

CONSOLE_JS = ROOT / "static" / "console"
FILES = sorted(CONSOLE_JS.glob("*.js"))

# Links each module with node:vm (imports resolved to the folder's own files), evaluates nothing.
LINKER = """
import vm from "node:vm";
import fs from "node:fs";
import path from "node:path";
const dir = process.argv[2];
const modules = new Map();
function load(file) {
  if (!modules.has(file)) {
    const source = fs.readFileSync(file, "utf8");
    modules.set(file, new vm.SourceTextModule(source, {identifier: path.basename(file)}));
  }
  return modules.get(file);
}
const problems = [];
let reachable = 0;
for (const name of ["console.js", ...fs.readdirSync(dir).filter((n) => n.endsWith(".js")).sort()]) {
  const mod = load(path.join(dir, name));
  if (mod.status !== "unlinked") continue;
  try {
    await mod.link((specifier, referencing) => {
      const target = path.join(dir, specifier);
      if (!specifier.startsWith("./") || !fs.existsSync(target)) {
        throw new Error(`${referencing.identifier} imports ${specifier}: not a file of this folder`);
      }
      return load(target);
    });
  } catch (error) {
    problems.push(`${name}: ${error.message}`);
  }
  if (name === "console.js") reachable = modules.size;  // what the page's one entry loads
}
console.log(JSON.stringify({problems, reachable}));
"""

needs_node = pytest.mark.usefixtures("node")


@needs_node
def test_every_import_names_an_export_of_a_file_in_the_folder(tmp_path: Path) -> None:
    linker = tmp_path / "link.mjs"
    linker.write_text(LINKER)
    out = subprocess.run(["node", "--experimental-vm-modules", "--no-warnings", str(linker), str(CONSOLE_JS)],
                         capture_output=True, text=True, timeout=60, check=True)
    result = json.loads(out.stdout)
    assert result["problems"] == []
    assert result["reachable"] == len(FILES)  # no file the page never loads


@needs_node
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_file_parses_as_a_module(path: Path) -> None:
    subprocess.run(["node", "--input-type=module", "--check"], input=path.read_text(), text=True,
                   capture_output=True, timeout=30, check=True)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_each_file_is_a_checked_module_without_the_old_global(path: Path) -> None:
    text = path.read_text()
    assert text.startswith("// @ts-check\n")
    assert not re.search(r"\bvar\s", text)
    assert not re.search(r"\bHS\.|window\.HS\b", text)
