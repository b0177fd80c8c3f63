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
    return subprocess.run([sys.executable, "-m", "bot.cli", "chat", "--time-scale", "0.02", "--data-dir",
                           str(tmp_path), *args],
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


def test_a_pipe_of_many_requests_waits_for_a_free_slot_instead_of_being_refused(tmp_path):
    """The per-user limit is 3 running generations; from a pipe nobody could retry, so line 4 on waits its
    turn."""
    lines = "".join(f"draw a lighthouse number {i}\n" for i in range(1, 6))
    done = run_chat(lines, tmp_path / "data")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("✅ Your image is ready!") == 5, done.stdout
    assert "generations running" not in done.stdout


def test_save_downloads_every_result_so_it_outlives_the_command(tmp_path):
    saved = tmp_path / "results"
    done = run_chat("draw a red fox in the snow\n写一首关于夏天的歌\n", tmp_path / "data", "--save",
                    str(saved))
    assert done.returncode == 0, done.stderr
    files = sorted(saved.iterdir())
    assert len(files) == 2, done.stdout
    picture = next(f for f in files if f.read_bytes().startswith(b"\x89PNG"))
    assert f"saved: {picture}" in done.stdout
    assert any(f.stat().st_size > 1000 and f != picture for f in files)  # the song, a real audio file
    assert "已保存：" in done.stdout  # the Chinese request is answered in Chinese, save line included


def test_each_message_is_answered_in_its_own_language_whatever_lang_says(tmp_path):
    done = run_chat("draw a red fox in the snow\n画一只猫\n", tmp_path, "--lang", "zh")
    assert done.returncode == 0, done.stderr
    assert "✅ Your image is ready!" in done.stdout  # English message, English answer, despite --lang zh
    assert "✅ 图片生成成功！" in done.stdout, done.stdout


def test_every_option_of_every_command_explains_itself():
    from bot.cli import build_parser

    parser = build_parser()
    commands = next(a for a in parser._actions if a.dest == "command").choices
    missing = [f"{name} {'/'.join(action.option_strings)}" for name,
               sub in commands.items() for action in sub._actions
               if action.option_strings and action.dest != "help" and not action.help]
    assert not missing, missing


def test_a_second_bot_on_a_data_folder_in_use_is_refused_in_one_line_and_the_first_keeps_it(tmp_path):
    """A bot keeps what its answers read (saved models, notes) in memory, right only while it is the one
    process using its data folder: a second one on the same folder is refused at start, with one line saying
    which folder, who has it and what to do, and nothing created; once the first has stopped it starts."""
    holder = subprocess.Popen(  # a running bot (another process) with the folder open
        [sys.executable, "-c", "import asyncio, sys\nfrom core.store import Store\nasync def main():\n"
         "    store = await Store.open(sys.argv[1])\n    print('open', flush=True)\n"
         "    sys.stdin.readline()\n    await store.close()\nasyncio.run(main())\n", str(tmp_path)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)})
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        refused = run_chat("draw a red fox in the snow\n", tmp_path)
        assert refused.returncode == 3
        said = refused.stderr
        assert f"data folder {tmp_path} is in use by another ima-bot process (pid {holder.pid})" in said
        assert "Traceback" not in refused.stderr and "Creating your image" not in refused.stdout
    finally:
        holder.communicate("\n", timeout=60)
    assert holder.returncode == 0
    done = run_chat("draw a red fox in the snow\n", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "✅ Your image is ready!" in done.stdout
