"""Keep the job worker that `leadline serve` starts running: restart it whenever it stops.

The watcher is a thread in gunicorn's master. It only polls the child process and never
touches the database: the master must hold no connection when it forks web workers.
A worker that keeps dying right after start is restarted with a growing pause (up to a
minute), each time logged as an error; meanwhile /healthz reports the worker down.
"""

from __future__ import annotations

import logging
import signal
import subprocess
import threading
import time

logger = logging.getLogger(__name__)


class WorkerSupervisor:
    """Run ``command`` as a child process and start it again whenever it exits."""

    def __init__(
        self,
        command: list[str],
        *,
        poll_seconds: float = 0.5,
        quick_exit_seconds: float = 30.0,
        max_pause_seconds: float = 60.0,
    ) -> None:
        self.command = command
        self.poll_seconds = poll_seconds
        self.quick_exit_seconds = quick_exit_seconds
        self.max_pause_seconds = max_pause_seconds
        self.restarts = 0
        self.proc: subprocess.Popen[bytes] | None = None
        self._quick_exits = 0
        self._started_at = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, name="job-worker-supervisor")
        self._thread.daemon = True

    def start(self) -> None:
        """Start the worker and the thread that watches it."""
        self._spawn()
        self._thread.start()

    def _spawn(self) -> None:
        self.proc = subprocess.Popen(self.command)
        self._started_at = time.monotonic()
        logger.info("job worker started (pid %s)", self.proc.pid)

    def _watch(self) -> None:
        while not self._stop.wait(self.poll_seconds):
            assert self.proc is not None
            code = self.proc.poll()
            if code is None:
                continue
            ran = time.monotonic() - self._started_at
            self._quick_exits = self._quick_exits + 1 if ran < self.quick_exit_seconds else 0
            pause = min(self.max_pause_seconds, 2.0**self._quick_exits - 1)
            # gunicorn's master reaps every child it did not fork, so the exit status is
            # often gone (then poll() reports 0): say what is known.
            how = f" ({_describe(code)})" if code else ""
            logger.error(
                "The job worker (pid %s) stopped after %.0f s%s: queued jobs wait until it "
                "runs again. Restarting it%s.",
                self.proc.pid,
                ran,
                how,
                f" in {pause:.0f} s" if pause else "",
            )
            if self._stop.wait(pause):
                return
            self._spawn()
            self.restarts += 1

    def stop(self, timeout: float = 10.0) -> None:
        """Stop watching, then stop the worker (SIGTERM; SIGKILL after ``timeout``)."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=timeout)
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=timeout)


def _describe(code: int) -> str:
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"
