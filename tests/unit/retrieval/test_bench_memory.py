"""The bench's memory figures: a worker process's memory counts with the process that
started it, at the same moment (Linux /proc)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from retrieval.bench.memory import TreeSampler, rss_bytes, tree_rss_bytes

# /proc/PID/task/TID/children: Linux with CONFIG_PROC_CHILDREN (the usual kernels).
_CHILDREN = f"/proc/self/task/{threading.get_native_id()}/children"
pytestmark = pytest.mark.skipif(not os.path.exists(_CHILDREN), reason="no /proc children lists")

HOLD = 80 << 20  # what the child holds


def test_a_child_process_memory_is_added_to_the_tree_while_it_lives() -> None:
    code = (
        f"import time; block = bytearray({HOLD}); block[::4096] = b'x' * len(block[::4096]); "
        "print('ready', flush=True); time.sleep(30)"
    )
    alone = tree_rss_bytes(os.getpid())
    with TreeSampler(os.getpid(), seconds=0.02) as sampler:
        child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
        try:
            assert child.stdout is not None and child.stdout.readline().strip() == b"ready"
            together = tree_rss_bytes(os.getpid())
            time.sleep(0.1)  # a few samples while the child holds its block
        finally:
            child.kill()
            child.wait()
    assert together >= rss_bytes() + HOLD
    assert together - alone >= HOLD
    assert sampler.peak >= rss_bytes() + HOLD
    assert tree_rss_bytes(os.getpid()) < together  # gone with the child
