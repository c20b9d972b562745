"""`manage.py serve` runs the web server and the worker together: a worker that exits is
started again, Ctrl-C (a stop) ends both, and the web server's exit ends everything."""

import subprocess
import sys
import threading

import pytest

from skillcert.operations import supervisor as supervisor_module
from skillcert.operations.supervisor import Supervisor

SLEEP = [sys.executable, "-c", "import time; time.sleep(60)"]
CRASH = [sys.executable, "-c", "import sys; sys.exit(3)"]


@pytest.fixture(autouse=True)
def _short_pauses(monkeypatch):
    monkeypatch.setattr(supervisor_module, "RESTART_PAUSES", (0.05,))


def _record_starts(monkeypatch) -> list[subprocess.Popen[bytes]]:
    started: list[subprocess.Popen[bytes]] = []
    real_start = supervisor_module._start

    def start(argv):
        started.append(real_start(argv))
        return started[-1]

    monkeypatch.setattr(supervisor_module, "_start", start)
    return started


def _in_thread(supervisor):
    result: dict[str, int] = {}
    thread = threading.Thread(target=lambda: result.setdefault("code", supervisor.run()))
    thread.start()
    return thread, result


def test_a_crashing_worker_is_restarted_until_stopped():
    said: list[str] = []
    supervisor = Supervisor(web=SLEEP, worker=CRASH, say=said.append, poll=0.02)
    thread, result = _in_thread(supervisor)
    for _ in range(500):
        if supervisor.restarts >= 3:
            break
        supervisor.stopping.wait(0.02)
    supervisor.stop()
    thread.join(timeout=20)
    assert not thread.is_alive()
    assert supervisor.restarts >= 3
    assert result["code"] == 0
    assert "后台任务处理程序意外退出（退出码 3），0.05 秒后自动重启……" in said
    assert "后台任务处理程序已重新启动" in said


def test_stop_ends_both_processes(monkeypatch):
    started = _record_starts(monkeypatch)
    supervisor = Supervisor(web=SLEEP, worker=SLEEP, say=lambda _: None, poll=0.02)
    thread, result = _in_thread(supervisor)
    for _ in range(200):
        if len(started) == 2:
            break
        supervisor.stopping.wait(0.02)
    supervisor.stop()
    thread.join(timeout=20)
    assert result["code"] == 0 and supervisor.restarts == 0
    assert all(process.poll() is not None for process in started)


def test_the_web_server_exiting_stops_the_worker_with_its_code(monkeypatch):
    started = _record_starts(monkeypatch)
    said: list[str] = []
    web = [sys.executable, "-c", "import sys; sys.exit(4)"]
    code = Supervisor(web=web, worker=SLEEP, say=said.append, poll=0.02).run()
    assert code == 4
    assert all(process.poll() is not None for process in started)
    assert said == ["网站服务已退出（退出码 4），正在停止后台任务处理程序……"]
