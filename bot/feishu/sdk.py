"""Everything the Feishu adapter needs from lark-oapi beyond its public builders, in one place.

lark-oapi (pinned ``~=1.7.5`` in pyproject.toml; ``tests/test_versions.py`` checks the floor) has
no public way to run its long-connection client inside a host application, to stop it, or to ask
whether it is connected, and its REST calls fetch the tenant token with a *blocking* HTTP call on
whatever thread calls them. Each workaround below names the private detail it relies on, so an
SDK upgrade has one module to re-check.
"""

from __future__ import annotations

import asyncio
import functools
from typing import Any

import httpx
import lark_oapi as lark
import lark_oapi.core.http.transport as _transport_module
import lark_oapi.ws.client as _ws_module
from lark_oapi.core.token.manager import TokenManager


class _OneTLSContext:
    """The ``httpx`` the SDK's transport sees: the same, but every client shares one TLS context."""

    def __init__(self) -> None:
        self.AsyncClient = functools.partial(httpx.AsyncClient, verify=httpx.create_ssl_context())

    def __getattr__(self, name: str) -> Any:
        return getattr(httpx, name)


def share_tls_context() -> None:
    """Give the SDK's REST calls one TLS context, made once.

    Private detail: ``lark_oapi.core.http.transport.aexecute`` builds a new ``httpx.AsyncClient`` for
    every call, and httpx loads the whole CA bundle from disk for each one (encode/httpx#3627): about
    20 ms of CPU on the event loop per card sent or edited. With a few hundred cards in flight that
    starved the loop for seconds (heartbeats and lease renewals late). Same verification, made once.
    """
    if not isinstance(_transport_module.httpx, _OneTLSContext):
        _transport_module.httpx = _OneTLSContext()


def build_api(app_id: str, app_secret: str, domain: str) -> lark.Client:
    """A REST client that takes its tenant token from us (``enable_set_token``), never fetching it itself.

    Without this, every ``a*`` call runs ``verify()`` first, which refreshes an expired tenant token
    with ``requests`` on the event loop: the whole bot stalls for that call about every two hours.
    """
    share_tls_context()
    return (lark.Client.builder().app_id(app_id).app_secret(app_secret).domain(domain)
            .enable_set_token(True).log_level(lark.LogLevel.WARNING).build())


async def request_option(api: lark.Client) -> lark.RequestOption:
    """Options carrying a valid tenant token, fetched (or read from the SDK's cache) off the event loop."""
    config = api.config
    assert config is not None
    token = await asyncio.to_thread(TokenManager.get_self_tenant_token, config)
    return lark.RequestOption.builder().tenant_access_token(token).build()


def run_long_connection(client: lark.ws.Client, loop: asyncio.AbstractEventLoop) -> None:
    """Run the SDK's long-connection client on ``loop`` (this thread's own) until :func:`stop` ends it.

    Private detail: ``lark_oapi.ws.client`` keeps a module-level ``loop`` that ``start()`` blocks in
    forever; we point it at a loop owned by the calling thread. :func:`stop` cancels the SDK's
    tasks, so ``start()`` ends with ``CancelledError``: that means "stopped on purpose" and must
    not escape the thread (it used to, as "Exception in thread feishu-ws"). Other errors propagate.
    """
    asyncio.set_event_loop(loop)
    _ws_module.loop = loop
    try:
        client.start()
    except asyncio.CancelledError:
        pass
    finally:
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        if pending:
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.close()


def is_connected(client: lark.ws.Client | None) -> bool:
    """Private detail: ``_conn`` is the live websocket, ``None`` while (re)connecting."""
    return client is not None and getattr(client, "_conn", None) is not None


async def stop(client: lark.ws.Client | None) -> None:
    """Close the connection without the SDK reconnecting, then end ``start()``. Runs on the client's own loop.

    Private details: ``_auto_reconnect``, ``_disconnect()``, and ``start()`` blocking in a task
    running ``_select``. The SDK's receive and ping loops are cancelled first: closing the socket
    under a live receive loop makes it call ``_disconnect()`` too, and the SDK's lock then fails
    ("Lock is not acquired"). Cancelling ``_select`` last is what makes ``start()`` return.
    """
    current = asyncio.current_task()
    others = [task for task in asyncio.all_tasks() if task is not current]
    workers = [task for task in others if getattr(task.get_coro(), "__name__", "") != "_select"]
    if client is not None:
        client._auto_reconnect = False
    for task in workers:
        task.cancel()
    await asyncio.gather(*workers, return_exceptions=True)
    if client is not None:
        await client._disconnect()
    for task in others:
        task.cancel()


def marshal(data: Any) -> str:
    """The SDK's own JSON encoding of an event object (its models are not plain dicts)."""
    return lark.JSON.marshal(data)
