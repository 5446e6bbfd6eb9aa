"""A TCP proxy on loopback in front of PostgreSQL that can refuse: the app's processes connect to it,
and ``refuse()`` cuts every open connection and refuses new ones until ``accept()``. That is what
the app sees of a PostgreSQL restart or failover, without touching the machine's shared server."""

from __future__ import annotations

import asyncio
import threading


class RefusingProxy:
    def __init__(self, listen_port: int, target_port: int, host: str = "127.0.0.1") -> None:
        self.host, self.listen_port, self.target_port = host, listen_port, target_port
        self.loop = asyncio.new_event_loop()
        self.server: asyncio.base_events.Server | None = None
        self.links: set[asyncio.StreamWriter] = set()
        self.connections = 0  # accepted while open, for the report
        self.cut = 0  # open connections cut by refuse()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True, name="pg-proxy")

    # --- from the caller's thread --------------------------------------------------------------

    def start(self) -> RefusingProxy:
        self._thread.start()
        self._call(self._listen())
        return self

    def refuse(self) -> None:
        self._call(self._refuse())

    def accept(self) -> None:
        self._call(self._listen())

    def stop(self) -> None:
        self._call(self._refuse())
        self._call(self._settle())
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5)

    def _call(self, coro: object) -> None:
        asyncio.run_coroutine_threadsafe(coro, self.loop).result(timeout=10)

    # --- in the proxy's loop -------------------------------------------------------------------

    async def _listen(self) -> None:
        if self.server is None:
            # reuse_address: the port is taken again at once after refuse() closed it.
            self.server = await asyncio.start_server(self._link, self.host, self.listen_port,
                                                     reuse_address=True)

    async def _refuse(self) -> None:
        server, self.server = self.server, None
        if server is not None:
            server.close()  # no new connections from here on
        for writer in list(self.links):
            self.cut += 1
            writer.transport.abort()  # a reset, as a dying server's connections end
        self.links.clear()
        if server is not None:
            await server.wait_closed()

    async def _settle(self) -> None:
        """Let the links cut by refuse() finish, so that stopping the loop leaves no task behind."""
        pending = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
        if pending:
            await asyncio.wait(pending, timeout=2)

    async def _link(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        try:
            server_reader, server_writer = await asyncio.open_connection(self.host, self.target_port)
        except OSError:
            client_writer.transport.abort()
            return
        self.connections += 1
        pair = (client_writer, server_writer)
        self.links.update(pair)
        try:
            await asyncio.gather(self._pipe(client_reader, server_writer),
                                 self._pipe(server_reader, client_writer))
        finally:
            for writer in pair:
                self.links.discard(writer)
                writer.transport.abort()

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.transport.abort()
