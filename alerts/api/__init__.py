"""The citizen app's REST API for alerts and trips, mounted at api/v1/ (docs/app-api.md). Views are
thin: they check input and call alerts.actions."""
