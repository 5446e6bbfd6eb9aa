from __future__ import annotations

# Alerts (SOS, trips) arrive with the safe-return app API issue.
