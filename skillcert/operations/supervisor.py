"""Runs the web server and the background worker as one command (`manage.py serve`, which
`make run` starts): Ctrl-C or SIGTERM stops both; a worker that exits on its own is started
again after a short, growing pause; when the web server exits, everything stops with its exit
code. Plain processes and signals, no Django: the children load Django themselves."""

from __future__ import annotations

import signal
import subprocess
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from types import FrameType

# Pauses before restarting a worker that exited, growing while it keeps failing; a worker
# that stayed up for STABLE_AFTER seconds starts again from the first pause.
RESTART_PAUSES = (1.0, 2.0, 5.0, 10.0, 30.0)
STABLE_AFTER = 60.0
STOP_GRACE = 10.0


@dataclass
class Supervisor:
    web: Sequence[str]
    worker: Sequence[str]
    say: Callable[[str], None] = print
    poll: float = 0.2
    restarts: int = 0
    stopping: threading.Event = field(default_factory=threading.Event)

    def stop(self, signum: int | None = None, frame: FrameType | None = None) -> None:
        self.stopping.set()

    def run(self) -> int:
        """Start both, watch them until asked to stop or the web server exits; the exit code is
        the web server's (0 after a requested stop)."""
        web = _start(self.web)
        worker = _start(self.worker)
        worker_started = time.monotonic()
        failures = 0
        restart_at: float | None = None
        code = 0
        try:
            while not self.stopping.is_set():
                if web.poll() is not None:
                    code = web.returncode or 0
                    self.say(
                        f"网站服务已退出（退出码 {web.returncode}），正在停止后台任务处理程序……"
                    )
                    break
                if restart_at is None and worker.poll() is not None and not self.stopping.is_set():
                    if time.monotonic() - worker_started >= STABLE_AFTER:
                        failures = 0
                    pause = RESTART_PAUSES[min(failures, len(RESTART_PAUSES) - 1)]
                    failures += 1
                    self.say(
                        f"后台任务处理程序意外退出（退出码 {worker.returncode}），"
                        f"{pause:g} 秒后自动重启……"
                    )
                    restart_at = time.monotonic() + pause
                if restart_at is not None and time.monotonic() >= restart_at:
                    worker = _start(self.worker)
                    worker_started = time.monotonic()
                    restart_at = None
                    self.restarts += 1
                    self.say("后台任务处理程序已重新启动")
                self.stopping.wait(self.poll)
        finally:
            _terminate(worker, web)
        return code


def _start(argv: Sequence[str]) -> subprocess.Popen[bytes]:
    return subprocess.Popen(argv)  # noqa: S603 - argv is built by `serve`, never from input


def _terminate(*processes: subprocess.Popen[bytes]) -> None:
    running = [p for p in processes if p.poll() is None]
    for process in running:
        process.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE
    for process in running:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
