"""The two modes the suite runs in (docs/fastpath.md): with the framework patches
(``HWASEONG_FASTPATH`` on, the default) and with stock Django, Channels and Celery (off)."""

from __future__ import annotations

import pytest
from django.conf import settings

# A test of a patch's own effect (a hop count, a shared pool): nothing to check on the stock path.
fast_only = pytest.mark.skipif(not settings.FASTPATH,
                               reason="measures a patch's own effect; no patch on the stock path")
