"""Strings from outside reach pages only as text (docs/hardening.md, issue 16 point 2).

The real-browser test (tests/hwaseong_safety/browser/test_hostile_text.py) proves today's pages;
this one keeps the rule for code written later: no HTML-parsing sink in our scripts, no Leaflet
tooltip or popup given a string built from data (Leaflet puts strings in with innerHTML), no
escaping switched off in a template, no ``mark_safe`` on anything but a string literal.
"""

from __future__ import annotations

import re

from tests.fixtures.platform import ROOT

SCRIPTS = sorted(p for p in (ROOT / "static").rglob("*.js") if "vendor" not in p.parts)
SINKS = re.compile(r"\.(innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML|document\.write"
                   r"|createContextualFragment|DOMParser|\.srcdoc\s*=")
# Leaflet: bindTooltip/bindPopup/setContent take a node or a function returning one. What follows
# the parenthesis may be a function or a plain variable (holding a node), never a string literal,
# a concatenation or a property of some data object.
LEAFLET_CALL = re.compile(
    r"\.(bindTooltip|bindPopup|setContent|setTooltipContent|setPopupContent)\(\s*(\(\)\s*=>|[^,)]*)")
SAFE_ARGUMENT = re.compile(r"^(function\b.*|\(\)\s*=>|[A-Za-z_$][\w$]*|[A-Za-z_$][\w$.]*(Node|Element)\(.*)$")
# L.divIcon's html: a constant or a node.
DIV_ICON_HTML = re.compile(r"\bhtml:\s*([^,}]*)")
CONSTANT_OR_NODE = re.compile(r'^("[^"+]*"|\'[^\'+]*\'|el\(.*|[A-Za-z_$][\w$]*)$')  # el: util.js's node


def test_there_are_scripts_to_check() -> None:
    assert any(p.name == "map.js" for p in SCRIPTS) and any(p.name == "tracking.js" for p in SCRIPTS)


def test_no_html_parsing_sink_in_our_scripts() -> None:
    offenders = [f"{p.relative_to(ROOT)}:{n}: {line.strip()}" for p in SCRIPTS
                 for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
                 if SINKS.search(line) and not line.strip().startswith(("//", "*"))]
    assert offenders == []


def test_leaflet_tooltips_and_popups_get_nodes() -> None:
    offenders = []
    for path in SCRIPTS:
        text = path.read_text(encoding="utf-8")
        for match in LEAFLET_CALL.finditer(text):
            if not SAFE_ARGUMENT.match(match.group(2).strip()):
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
        for match in DIV_ICON_HTML.finditer(text):
            if not CONSTANT_OR_NODE.match(match.group(1).strip()):
                offenders.append(f"{path.relative_to(ROOT)}: {match.group(0)}")
    assert offenders == []


def test_the_check_catches_what_it_should() -> None:
    for bad in ('.bindTooltip(trip.destination_name || "")', ".bindPopup('<b>' + name + '</b>')",
                ".bindTooltip(`${x}`)", ".setContent(data.name)"):
        match = LEAFLET_CALL.search(bad)
        assert match and not SAFE_ARGUMENT.match(match.group(2).strip()), bad
    for good in (".bindTooltip(function () { return textNode(x); })", ".bindTooltip(name, {",
                 ".bindTooltip(() => textNode(x))",
                 ".bindTooltip(textNode(row[2] || config.labels.nearby))"):
        match = LEAFLET_CALL.search(good)
        assert match and SAFE_ARGUMENT.match(match.group(2).strip()), good
    assert not CONSTANT_OR_NODE.match('"<span>" + (index + 1) + "</span>"')
    assert SINKS.search("box.innerHTML = text") and SINKS.search("el.insertAdjacentHTML('beforeend', x)")
    assert NOT_A_CONSTANT.search("mark_safe(name)") and NOT_A_CONSTANT.search("mark_safe(f'<b>{x}</b>')")
    assert not NOT_A_CONSTANT.search('format_html_join(mark_safe("<br>"), "{}", rows)')


# mark_safe/SafeString on a string literal ("<br>" as a join) is markup we wrote; on anything
# else it could be data.
NOT_A_CONSTANT = re.compile(r"""\b(mark_safe|SafeString)\((?!\s*("[^"]*"|'[^']*')\s*\))""")


def test_templates_and_code_never_switch_escaping_off() -> None:
    unsafe = re.compile(r"\|\s*safe\b|\bautoescape\s+off\b|\|\s*safeseq\b")
    templates = [p for p in (ROOT / "templates").rglob("*.html")
                 if unsafe.search(p.read_text(encoding="utf-8"))]
    assert templates == []
    code = [p for app in ("alerts", "cameras", "citizens", "guardians", "operators", "hwaseong_safety")
            for p in (ROOT / app).rglob("*.py")
            if NOT_A_CONSTANT.search(p.read_text(encoding="utf-8"))]
    assert code == []
