from __future__ import annotations

# Guardians arrive with the safe-return app API issue.
