"""The sandbox every expression and script of a diagram runs in (see `environment`)."""

from .environment import (
    SafeNamespace,
    SandboxDataError,
    SandboxedEnvironment,
    SandboxError,
    SandboxLimits,
    SandboxMemoryError,
    SandboxSecurityError,
    SandboxTimeout,
    check_source,
    make_script_engine,
)

__all__ = [
    "SafeNamespace",
    "SandboxDataError",
    "SandboxError",
    "SandboxLimits",
    "SandboxMemoryError",
    "SandboxSecurityError",
    "SandboxTimeout",
    "SandboxedEnvironment",
    "check_source",
    "make_script_engine",
]
