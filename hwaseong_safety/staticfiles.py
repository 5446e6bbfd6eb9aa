"""The production static files storage: hashed names, compressed copies (whitenoise), and ES module
imports rewritten to the hashed names too.

The console's scripts are ES modules (static/console/): without the rewrite, the hashed
``console.<hash>.js`` would import ``./store.js`` by its plain name, which whitenoise serves with a
short cache; for a minute after a deploy a browser could mix a new module with an old one and the
console would not start. Django's ManifestStaticFilesStorage does the rewrite when asked.
"""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):
    support_js_module_import_aggregation = True
