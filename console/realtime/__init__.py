"""The console's websocket side. alerts/publish.py puts an alert event on the Channels groups after
commit; each web process's ``hub`` reads it once and hands it to its ``consumer`` sockets through their
``outbox``; ``push`` builds what one console receives; ``presence`` counts who watches each center;
``signals`` cut off consoles whose staff member changed or logged out."""
