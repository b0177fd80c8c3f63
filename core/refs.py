"""The one codec for what a task's button refers to: ``"<task id>"`` or ``"<task id>|<model key>"``.

Buttons travel through Discord custom ids, Feishu card values and the web chat's JSON as one
string; only this module builds or reads that string.
"""

from __future__ import annotations

from dataclasses import dataclass

SEPARATOR = "|"


@dataclass(frozen=True)
class TaskRef:
    """A task, and for "use this model instead" buttons, the model to use."""

    task_id: str
    model_key: str = ""

    def encode(self) -> str:
        return f"{self.task_id}{SEPARATOR}{self.model_key}" if self.model_key else self.task_id

    @classmethod
    def decode(cls, ref: str) -> TaskRef:
        task_id, _, model_key = ref.partition(SEPARATOR)
        return cls(task_id, model_key)
