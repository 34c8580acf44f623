"""Run a helper program (ffmpeg) to completion within a deadline, killing it if it hangs."""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass


class ProcessStartError(OSError):
    """The program could not be started at all."""


@dataclass(frozen=True, slots=True)
class ProcessResult:
    """Exit status and captured output of one run."""

    returncode: int
    stdout: bytes
    stderr: bytes


async def async_run(
    command: list[str],
    *,
    timeout: float,  # noqa: ASYNC109 - the process is killed after it
    capture_stdout: bool = False,
    capture_stderr: bool = False,
) -> ProcessResult:
    """Run ``command``; raise :class:`TimeoutError` (after killing it) when it overruns.

    Cancellation also kills the process, so nothing outlives the caller.
    """
    pipe, devnull = asyncio.subprocess.PIPE, asyncio.subprocess.DEVNULL
    try:
        process = await asyncio.create_subprocess_exec(
            *command,
            stdin=devnull,
            stdout=pipe if capture_stdout else devnull,
            stderr=pipe if capture_stderr else devnull,
        )
    except OSError as err:
        raise ProcessStartError(err.errno, err.strerror or str(err)) from None
    try:
        async with asyncio.timeout(timeout):
            stdout, stderr = await process.communicate()
    except BaseException:
        with contextlib.suppress(ProcessLookupError):
            process.kill()
        await process.wait()
        raise
    return ProcessResult(process.returncode or 0, stdout or b"", stderr or b"")
