"""A local stand-in for IMA Studio's Open API and upload service (see :mod:`sandbox.app`)."""

from .app import SandboxConfig, SandboxState, create_app, run_sandbox

__all__ = ["SandboxConfig", "SandboxState", "create_app", "run_sandbox"]
