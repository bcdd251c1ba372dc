"""Test-only hooks for locaudit subprocesses; never installed, never on a production path.

The safety tests start ``locaudit`` (and, through it, its spawned pipeline workers) with this
folder on ``PYTHONPATH``, so Python imports this file at start-up in every one of those
processes. What it does is chosen by environment variables the tests set:

- ``LOCAUDIT_TEST_NO_NETWORK=1``: every attempt to open a network socket (IPv4/IPv6 socket,
  ``create_connection``, name lookup) raises, and the attempt is appended to the file named by
  ``LOCAUDIT_TEST_NETWORK_LOG`` if set. Local pipes (Unix socket pairs, which
  multiprocessing uses between a run and its workers) stay allowed: they reach no network.
- ``LOCAUDIT_TEST_SLOW_MARKER=TEXT``: the lesion builder sleeps ten minutes on any note that
  contains TEXT, standing in for a note the rules handle in pathological time.
"""

from __future__ import annotations

import os
import sys


def _block_network() -> None:
    import socket

    log = os.environ.get("LOCAUDIT_TEST_NETWORK_LOG")

    def refuse(what: str) -> None:
        caller = sys._getframe(2)  # who asked: the test tells a probe from a real connection
        where = f"{caller.f_globals.get('__name__')}.{caller.f_code.co_name}"
        if log:
            with open(log, "a", encoding="utf-8") as handle:
                handle.write(f"{os.getpid()} {what} from {where}\n")
        raise OSError(f"network blocked by the test: {what}")

    class GuardedSocket(socket.socket):
        def __init__(self, family=-1, type=-1, proto=-1, fileno=None):
            if fileno is None and family in (-1, socket.AF_INET, socket.AF_INET6):
                refuse(f"socket(family={family})")
            super().__init__(family, type, proto, fileno)

        def connect(self, address):
            if self.family in (socket.AF_INET, socket.AF_INET6):
                refuse(f"connect({self.family})")
            return super().connect(address)

    def no_connection(*args, **kwargs):
        refuse("create_connection")

    def no_lookup(*args, **kwargs):
        refuse("getaddrinfo")

    socket.socket = GuardedSocket  # type: ignore[misc]
    socket.create_connection = no_connection  # type: ignore[assignment]
    socket.getaddrinfo = no_lookup  # type: ignore[assignment]


def _slow_marker(marker: str) -> None:
    import time

    from locaudit.nlp import lesions

    original = lesions.LesionBuilder.extract

    def slow(self, doc):
        if marker in doc.text:
            time.sleep(600)
        return original(self, doc)

    lesions.LesionBuilder.extract = slow


if os.environ.get("LOCAUDIT_TEST_NO_NETWORK") == "1":
    _block_network()
if os.environ.get("LOCAUDIT_TEST_SLOW_MARKER"):
    _slow_marker(os.environ["LOCAUDIT_TEST_SLOW_MARKER"])
