"""The one codec for button references: what a task's button refers to (``"<task id>"`` or
``"<task id>|<model key>"``), and a whole button (kind and reference) as one string.

Buttons travel through Discord custom ids, Feishu card values and the web chat's JSON; only this
module builds or reads those strings.
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


def pack_action(kind: str, ref: str) -> str:
    """A button (its kind and reference) as one string, for platforms whose buttons carry only one."""
    return f"{kind}{SEPARATOR}{ref}"


def unpack_action(value: str) -> tuple[str, str] | None:
    """The (kind, reference) of :func:`pack_action`'s string; None when it is not one."""
    kind, separator, ref = value.partition(SEPARATOR)
    return (kind, ref) if separator and kind else None
