"""Small pieces of the server: frame encoding, origin check, config merge, command line."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from server import cli, frames, protocol
from server.config import ProtocolError, merge, updated
from server.origins import origin_allowed
from server.protocol import Config


def test_frame_arrays_round_trip_and_float32_arrays_are_aligned() -> None:
    grid = np.linspace(-1, 1, 2 * 3 * 3, dtype=np.float32).reshape(2, 3, 3)
    q = np.empty(grid.shape, np.uint8)
    frames.quantize(grid, -1.0, 1.0, q, np.empty(grid.shape, np.float32))
    W = np.arange(6, dtype=np.float32).reshape(3, 2)
    message = frames.encode({"seq": 1}, [frames.FrameArray("output", q, (-1.0, 1.0)),
                                         frames.FrameArray("W/1", W)])
    (n,) = struct.unpack_from("<I", message, 0)
    header, arrays = frames.decode(message)
    assert (4 + n) % 4 == 0
    entry = next(a for a in header["arrays"] if a["name"] == "W/1")
    assert (4 + n + entry["offset"]) % 4 == 0
    assert np.array_equal(arrays["W/1"], W)
    assert np.abs(arrays["output"] - grid).max() <= 1 / 255 + 1e-7


def test_prepared_header_members_join_the_header() -> None:
    more = frames.fields_json({"coach": [{"code": "ok"}], "dead": {"1": [2]}})
    message = frames.encode({"seq": 7}, [frames.FrameArray("b/1", np.ones((2, 1), np.float32))],
                            more)
    (n,) = struct.unpack_from("<I", message, 0)
    header, arrays = frames.decode(message)
    assert (4 + n) % 4 == 0
    assert header["seq"] == 7 and header["coach"] == [{"code": "ok"}]
    assert header["dead"] == {"1": [2]} and header["arrays"][0]["name"] == "b/1"
    assert np.array_equal(arrays["b/1"], np.ones((2, 1), np.float32))
    assert frames.fields_json({}) == ""


def test_quantize_maps_the_range_ends_to_0_and_255() -> None:
    values = np.array([-5.0, 0.0, 0.5, 1.0, 7.0], dtype=np.float32)
    q = np.empty(values.shape, np.uint8)
    frames.quantize(values, 0.0, 1.0, q, np.empty(values.shape, np.float32))
    assert q.tolist() == [0, 0, 128, 255, 255]
    odd = np.array([np.nan, -np.inf, np.inf, -0.998, 0.998], dtype=np.float32)
    q = np.empty(odd.shape, np.uint8)
    with np.errstate(invalid="ignore"):
        frames.quantize(odd, -1.0, 1.0, q, np.empty(odd.shape, np.float32))
    assert q.tolist() == [0, 0, 255, 0, 255]


@pytest.mark.parametrize(("origin", "host", "allowed", "ok"), [
    (None, "localhost:8000", (), True),
    ("http://localhost:8000", "localhost:8000", (), True),
    ("http://LOCALHOST:8000/", "localhost:8000", (), True),
    ("http://localhost:9000", "localhost:8000", (), False),
    ("http://evil.example", "localhost:8000", (), False),
    ("null", "localhost:8000", (), False),
    ("http://localhost:5173", "localhost:8000", ("http://localhost:5173",), True),
])
def test_origin_check(origin: str | None, host: str, allowed: tuple[str, ...],
                      ok: bool) -> None:
    assert origin_allowed(origin, host, allowed) is ok


def test_merge_merges_objects_and_replaces_lists() -> None:
    base = {"a": {"x": 1, "y": 2}, "l": [1, 2]}
    assert merge(base, {"a": {"y": 3}, "l": [5]}) == {"a": {"x": 1, "y": 3}, "l": [5]}
    assert base == {"a": {"x": 1, "y": 2}, "l": [1, 2]}


def test_partial_update_is_checked_against_the_merged_config() -> None:
    current = Config.model_validate({"dataset": {"train_fraction": 0.3,
                                                 "validation_fraction": 0.1}})
    # Alone, 0.5 (default train) + 0.6 would be too much; merged, 0.3 + 0.6 is fine.
    patch = Config.model_validate({"dataset": {"validation_fraction": 0.6}})
    assert updated(current, patch).dataset.validation_fraction == 0.6
    with pytest.raises(ProtocolError) as error:
        updated(current, Config.model_validate({"dataset": {"train_fraction": 0.95}}))
    assert error.value.field == "config.dataset.validation_fraction"


def test_command_line_defaults_and_urls() -> None:
    args = cli.parse_args([])
    assert (args.host, args.port, args.no_browser, args.workers) == ("127.0.0.1", 8000,
                                                                     False, None)
    args = cli.parse_args(["--allow-origin", "http://a:1", "--allow-origin", "http://b:2",
                           "--no-browser", "--workers", "2"])
    assert args.allow_origin == ["http://a:1", "http://b:2"] and args.workers == 2
    with pytest.raises(SystemExit):
        cli.parse_args(["--workers", "0"])
    args = cli.parse_args(["--redis", "redis://10.0.0.5:6379/0", "--max-rooms", "3",
                           "--max-students-per-room", "30"])
    assert (args.redis, args.max_rooms, args.max_students_per_room) == (
        "redis://10.0.0.5:6379/0", 3, 30)
    assert cli.parse_args([]).redis is None
    with pytest.raises(SystemExit):
        cli.parse_args(["--max-rooms", "0"])


def test_one_process_for_one_user_and_one_per_core_for_a_class(monkeypatch) -> None:
    monkeypatch.setattr(cli.os, "cpu_count", lambda: 2)
    assert cli.default_workers("127.0.0.1") == cli.default_workers("localhost") == 1
    assert cli.default_workers("0.0.0.0") == 2
    monkeypatch.setattr(cli.os, "cpu_count", lambda: 64)
    assert cli.default_workers("::") == cli.MAX_DEFAULT_WORKERS
    monkeypatch.setattr(cli.os, "cpu_count", lambda: None)
    assert cli.default_workers("0.0.0.0") == 1


def test_command_line_urls() -> None:
    assert cli.page_urls("127.0.0.1", 8000) == ("http://127.0.0.1:8000/", None)
    local, lan = cli.page_urls("0.0.0.0", 8000)
    assert local == "http://127.0.0.1:8000/"
    assert lan is not None and lan.endswith(":8000/") and "0.0.0.0" not in lan
    with pytest.raises(SystemExit):
        cli.parse_args(["--port", "70000"])


def test_the_engine_bench_measures_frames_at_the_servers_neuron_resolution() -> None:
    from bench import engine as bench

    assert protocol.ViewConfig().neuron_resolution == bench.SERVER_NEURON_RESOLUTION


def test_settings_travel_to_worker_processes_through_the_environment() -> None:
    from pathlib import Path

    from server.settings import Settings

    settings = Settings(host="0.0.0.0", port=8123, web_dir=Path("/srv/web"),
                       allowed_origins=("http://a:1", "http://b"), compression=False,
                       allowed_hosts=("class.example", "10.0.0.5"),
                       frame_ancestors="'self' https://course.example", api_docs=True,
                       max_sessions=12, max_sessions_per_client=3, workers=3,
                       redis_url="redis://cache.example:6380/2", max_rooms=4,
                       max_students_per_room=30, room_idle_seconds=60.0,
                       room_join_attempts=5, room_join_window=2.5)
    assert Settings.from_env(settings.to_env()) == settings
    assert Settings.from_env({}) == Settings()


def test_every_setting_is_documented_and_read_from_its_variable(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from server.settings import Settings, documented

    missing = [name for name, (_, text) in documented().items() if not text]
    assert not missing, f"settings without a description: {missing}"
    monkeypatch.setenv("PLAYGROUND_MAX_ROOMS", "7")
    monkeypatch.setenv("PLAYGROUND_ALLOWED_HOSTS", '["class.example"]')
    assert Settings().max_rooms == 7
    assert Settings().allowed_hosts == ("class.example",)
    assert Settings(max_rooms=9).max_rooms == 9


def test_every_client_message_type_has_exactly_one_handler() -> None:
    from server.session.handlers import HANDLERS

    assert set(HANDLERS) == set(protocol.CLIENT_MESSAGES.values())
