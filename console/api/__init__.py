"""The console page's HTTP API, mounted at api/v1/console/: read the queue and one alert; claim,
acknowledge, note, escalate, transfer, close (each one an alerts.actions.handling ``do_*``)."""
