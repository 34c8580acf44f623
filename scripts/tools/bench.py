"""Benchmarks of the hot path, printed as a table (a measurement, not a pass/fail test).

1. parse+merge: the real A1 session (``../shared``) fed to the state tracker, CPU time per message.
2. whole path: the same messages fed to the integration running in a real Home Assistant core,
   set up against a simulated A1 over TLS MQTT; CPU time of the event-loop thread per message,
   including entity change detection and state writes, and the number of state writes.

Without ``../shared`` the session is replaced by one the simulator generates (seeded).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
import contextlib
import json
import logging
from pathlib import Path
import statistics
import time
from typing import Any

import custom_components.bambuprint_iq  # noqa: F401  (so HA's loader finds the package)
from custom_components.bambuprint_iq.const import DOMAIN
from custom_components.bambuprint_iq.core.printer.parser import PrinterStateTracker

ROOT = Path(__file__).resolve().parents[2]
SESSION = ROOT.parent / "shared" / "fixtures" / "payloads" / "sessions" / "A1_session.jsonl"
COMPETITOR_PARSE_US = 170  # published figure for the leading integration's parser
COMPETITOR_WRITES = 60  # it writes every entity (about 60) on every message


def load_session() -> tuple[list[bytes], str]:
    """The real captured session, or a seeded simulator session of similar shape."""
    if SESSION.is_file():
        payloads = [
            json.dumps(json.loads(line)["payload"]).encode()
            for line in SESSION.read_text().splitlines()
            if line.strip()
        ]
        return payloads, f"real A1 session ({SESSION.name})"
    from simulator.fleet import SimulatedPrinter, resolve_setups
    from simulator.printer import PrinterSim

    sim = PrinterSim(resolve_setups([SimulatedPrinter(model="A1", seed=1)])[0])
    payloads = [json.dumps({"print": sim.full_report()["print"]}).encode()]
    while len(payloads) < 2700:
        payloads.extend(json.dumps(report).encode() for report in sim.tick())
    return payloads, "simulated A1 session (../shared not found)"


def cpu_per_message(run: Callable[[], None], count: int, repeats: int = 5) -> float:
    """Best-of-N process CPU time per message, in microseconds."""
    timings = []
    for _ in range(repeats):
        start = time.process_time_ns()
        run()
        timings.append((time.process_time_ns() - start) / count / 1000)
    return min(timings)


def bench_parser(payloads: list[bytes]) -> tuple[float, float]:
    """Mean and median-of-runs µs per message for parse + merge + snapshot."""

    def run() -> None:
        tracker = PrinterStateTracker(serial="03900000000000")
        for payload in payloads:
            tracker.feed(payload)

    best = cpu_per_message(run, len(payloads))
    runs = [cpu_per_message(run, len(payloads), repeats=1) for _ in range(3)]
    return best, statistics.median(runs)


@contextlib.contextmanager
def simulated_a1() -> Iterator[Any]:
    """One simulated A1 with an AMS lite in a background thread."""
    from simulator.fleet import SimulatedPrinter
    from simulator.sim_thread import SimulatorThread

    with SimulatorThread([SimulatedPrinter(model="A1", ams_units=1, seed=3)]) as sim:
        yield sim


async def bench_integration(payloads: list[bytes]) -> dict[str, float]:
    """Feed the session to the loaded integration inside a real Home Assistant core."""
    from homeassistant import loader
    from homeassistant.helpers import entity_registry as er
    from pytest_homeassistant_custom_component.common import (
        MockConfigEntry,
        async_test_home_assistant,
    )

    with simulated_a1() as sim:
        info = sim.printers[0]
        async with async_test_home_assistant() as hass:
            hass.data.pop(loader.DATA_CUSTOM_COMPONENTS)
            entry = MockConfigEntry(
                domain=DOMAIN,
                unique_id=info.serial,
                title="A1 bench",
                data={
                    "host": info.host, "serial": info.serial, "access_code": info.access_code,
                    "mqtt_port": info.mqtt_port, "camera_port": info.camera_port or 6000,
                    "skip_tls_verify": False, "certificate_fingerprint": info.fingerprint,
                    "method": "developer", "model": "A1",
                },
            )  # fmt: skip
            entry.add_to_hass(hass)
            assert await hass.config_entries.async_setup(entry.entry_id)
            await hass.async_block_till_done()
            coordinator = entry.runtime_data.coordinator
            # Silence the simulator so only the replayed session reaches the entities.
            await coordinator.connection.async_publish(
                {"pushing": {"sequence_id": "0", "command": "stop"}}
            )
            await asyncio.sleep(1.0)
            entities = len(er.async_entries_for_config_entry(er.async_get(hass), entry.entry_id))
            stats = coordinator.write_stats
            messages_before, writes_before = stats.messages, stats.state_writes
            handle = coordinator._handle_message
            start = time.thread_time_ns()
            for index, payload in enumerate(payloads):
                handle(payload)
                if index % 50 == 0:
                    await asyncio.sleep(0)  # let state-change listeners run, as in real life
            await hass.async_block_till_done()
            elapsed = time.thread_time_ns() - start
            messages = stats.messages - messages_before
            writes = stats.state_writes - writes_before
            await hass.config_entries.async_unload(entry.entry_id)
            await hass.async_stop(force=True)
    return {
        "whole_us": elapsed / messages / 1000,
        "writes_per_message": writes / messages,
        "messages": messages,
        "entities": entities,
        "top_writers": sorted(stats.written_by_key.items(), key=lambda kv: -kv[1])[:5],  # type: ignore[dict-item]
    }


def best_of(run: Callable[[], object], repeats: int = 3) -> float:
    """Best wall time in milliseconds (after one warm-up run)."""
    run()
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        timings.append((time.perf_counter() - start) * 1000)
    return min(timings)


def bench_profiles() -> tuple[int, float, float]:
    """Presets for every printer preset of one filament, in both preset shapes."""
    from custom_components.bambuprint_iq.core.profiles import (
        FilamentSpec,
        PresetShape,
        ProfileRequest,
        generate_presets,
    )

    spec = FilamentSpec(
        "PLA", vendor="Acme", product_name="Bench PLA", nozzle_temp_min=195, nozzle_temp_max=225
    )
    count = len(generate_presets(ProfileRequest(spec, "all")).presets)
    inherited = best_of(
        lambda: generate_presets(ProfileRequest(spec, "all", shape=PresetShape.INHERITED))
    )
    custom = best_of(
        lambda: generate_presets(ProfileRequest(spec, "all", shape=PresetShape.CUSTOM_ROOT))
    )
    return count, inherited, custom


def bench_insights() -> float:
    """Insights over 10,000 synthetic prints (the test factories make the rows)."""
    from custom_components.bambuprint_iq.core.history import compute_insights
    from tests.core.history.factories import synthetic_rows

    rows = list(synthetic_rows(10_000, seed=1, humid_effect=0.8))
    return best_of(lambda: compute_insights(rows))


def bench_photo() -> tuple[float, int, str]:
    """Preprocessing of a 12 MP JPEG (decode, quality gate, resize, re-encode) and its tokens."""
    from custom_components.bambuprint_iq.core.analysis import prepare_photo
    from tests.core.analysis.synthetic_images import encode, print_photo

    photo = encode(print_photo(4000, 3000))
    prepared = prepare_photo(photo)
    elapsed = best_of(lambda: prepare_photo(photo), repeats=5)
    return elapsed, prepared.estimated_tokens, f"{prepared.width}x{prepared.height}"


async def _camera_relay(viewers: int, seconds: float = 4.0) -> tuple[float, float, float]:
    """Frames/s relayed to ``viewers`` MJPEG viewers from one shared upstream, and CPU/frame."""
    from custom_components.bambuprint_iq.core.camera import (
        CameraEndpoint,
        SharedCameraStream,
        StreamOptions,
        mjpeg_chunks,
    )
    from custom_components.bambuprint_iq.core.printer.tls import (
        PinnedCertificate,
    )
    from simulator.fleet import SimulatedPrinter
    from simulator.sim_thread import SimulatorThread

    with SimulatorThread([SimulatedPrinter(model="P1S", seed=5, speed=5)]) as sim:
        info = sim.printers[0]
        assert info.camera_port is not None
        endpoint = CameraEndpoint(
            host=info.host,
            port=info.camera_port,
            access_code=info.access_code,
            tls=PinnedCertificate(info.fingerprint, info.serial),
        )
        stream = SharedCameraStream(endpoint, options=StreamOptions(idle_timeout=10, max_fps=30))
        await stream.get_frame()
        counts = [0] * viewers

        async def relay(index: int) -> None:
            async with stream.watch(max_fps=30.0) as frames:
                async for _chunk in mjpeg_chunks(frames):
                    counts[index] += 1

        cpu_before, wall_before = time.thread_time(), time.monotonic()
        tasks = [asyncio.create_task(relay(i)) for i in range(viewers)]
        await asyncio.sleep(seconds)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        cpu, wall = time.thread_time() - cpu_before, time.monotonic() - wall_before
        await stream.async_close()
    delivered = sum(counts)
    return delivered / wall, 1000 * cpu / max(1, delivered), 100 * cpu / wall


def bench_camera() -> list[tuple[str, str]]:
    """The camera relay with one and with five viewers (the simulator runs in its own thread)."""
    rows = []
    for viewers in (1, 5):
        fps, ms, share = asyncio.run(_camera_relay(viewers))
        rows.append(
            (
                f"camera relay, {viewers} viewer(s): frames/s | CPU per relayed frame",
                f"{fps:.1f} frames/s | {ms:.2f} ms ({share:.1f}% of a core)",
            )
        )
    return rows


def main() -> None:
    """Run the benchmarks and print the table."""
    logging.basicConfig(level=logging.WARNING)
    payloads, source = load_session()
    parse_best, parse_median = bench_parser(payloads)
    whole = asyncio.run(bench_integration(payloads))
    preset_count, inherited_ms, custom_ms = bench_profiles()
    insights_ms = bench_insights()
    photo_ms, photo_tokens, photo_size = bench_photo()
    camera_rows = bench_camera()
    rows = [
        ("input", source),
        ("messages", f"{len(payloads)}"),
        ("parse+merge, CPU µs/message (best of 5)", f"{parse_best:.1f}"),
        ("parse+merge, CPU µs/message (median of 3)", f"{parse_median:.1f}"),
        ("whole path incl. entity writes, CPU µs/message", f"{whole['whole_us']:.1f}"),
        ("entities of the printer", f"{whole['entities']}"),
        ("noisiest entities (writes)", ", ".join(f"{k} {v}" for k, v in whole["top_writers"])),
        ("leading integration, parse only (published)", f"~{COMPETITOR_PARSE_US}"),
        ("leading integration, writes/message (published)", f"~{COMPETITOR_WRITES}"),
        (
            f"profiles: all {preset_count} presets, inherited (target < 500 ms)",
            f"{inherited_ms:.0f} ms",
        ),
        (
            f"profiles: all {preset_count} presets, custom root (target < 500 ms)",
            f"{custom_ms:.0f} ms",
        ),
        ("insights over 10,000 prints (target < 200 ms)", f"{insights_ms:.0f} ms"),
        ("12 MP photo preprocessing (target <= 150 ms)", f"{photo_ms:.0f} ms -> {photo_size}"),
        ("image tokens per analysis call (one photo)", f"{photo_tokens}"),
        *camera_rows,
    ]
    width = max(len(name) for name, _ in rows)
    print(f"\n{'measure'.ljust(width)} | value\n{'-' * width}-|------")
    for name, value in rows:
        print(f"{name.ljust(width)} | {value}")
    print(f"\nstate writes per message: {whole['writes_per_message']:.2f}")


if __name__ == "__main__":
    main()
