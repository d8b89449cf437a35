"""The sender's threads: one pool for the life of the process, made when there is first
something to hand over, so that each thread's provider client keeps its connections open
from one run of the sender to the next."""
import atexit
import threading
from concurrent.futures import ThreadPoolExecutor


class SenderPool:
    def __init__(self, size: int):
        self.size = size
        self._executor = None
        self._lock = threading.Lock()

    def executor(self) -> ThreadPoolExecutor:
        with self._lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(max_workers=self.size, thread_name_prefix="outbox-send")
                atexit.register(self.close)
            return self._executor

    def close(self) -> None:
        """Let the hand-overs under way finish, then end the threads. A later send makes a new pool."""
        with self._lock:
            executor, self._executor = self._executor, None
        if executor is not None:
            atexit.unregister(self.close)
            executor.shutdown(wait=True)
