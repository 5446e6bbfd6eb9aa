"""ASGI entry point: HTTP through Django, websockets through Channels (consoles).

HTTP bodies are counted on the way in (hwaseong_safety/body_limits.py): Django's handler would read
a chunked body of any size to disk before a middleware could refuse it. Websockets only from the
site's own pages: the Origin header must be the site's own scheme, host and port (ws_origin.py;
none at all is refused too).
The server's lifespan messages warm each worker up before its first request (warmup.py).
"""

from __future__ import annotations

import os

from hwaseong_safety.fastpath.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hwaseong_safety.settings")
# Django must be set up before anything imports models (consumers, routing). Our views are all
# synchronous: with FASTPATH the chain runs as one call in the request's thread (fastpath/asgi.py).
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from console.realtime.urls import websocket_urlpatterns  # noqa: E402
from hwaseong_safety.body_limits import AsgiBodyLimit  # noqa: E402
from hwaseong_safety.warmup import WarmUpLifespan  # noqa: E402
from hwaseong_safety.ws_origin import SameOriginValidator  # noqa: E402

# Lifespan: each worker warms up and freezes its heap before its first request (warmup.py).
application = WarmUpLifespan(ProtocolTypeRouter(
    {
        "http": AsgiBodyLimit(django_asgi_app),
        "websocket": SameOriginValidator(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
))
