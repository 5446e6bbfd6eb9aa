"""The operators' live console: what an operator sees and does (no models of its own).

``views`` the page and its config, ``history`` closed alerts, ``visibility`` which alerts a user may
see, ``api/`` the HTTP API the page calls (each change goes through alerts.actions), ``realtime/``
the websocket: ``hub``/``consumer`` (one socket per console) listen to what alerts/publish.py puts
on the Channels groups; ``push``, ``presence``, ``read``. Protocol: docs/console-protocol.md.
"""
