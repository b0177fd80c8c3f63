"""`ima-bot chat` from a pipe: the smallest adapter, through the real command (issue 5)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run_chat(lines: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    env.pop("IMA_API_KEY", None)
    return subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--time-scale", "0.02", "--data-dir", str(tmp_path), *args],
                          input=lines, capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)


def test_piped_messages_generate_and_the_command_waits_for_the_result(tmp_path):
    done = run_chat("draw a red fox in the snow\n写一首关于夏天的歌\n", tmp_path)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "🎨 Creating your image with SeeDream 4.5" in out
    assert "✅ Your image is ready!" in out and "✅ 音乐生成成功！" in out
    assert "/cdn/out/" in out  # a link to the result
    assert "Generating…" in out or "正在生成中" in out


def test_pressing_a_numbered_button_from_the_terminal(tmp_path):
    done = run_chat("8K poster of a jazz club\n1\n", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "8K isn't available" in done.stdout and "✅ Your image is ready!" in done.stdout
