"""Printer cameras without Home Assistant: the P1/A1 port-6000 JPEG stream shared by all
viewers, MJPEG for browsers, snapshots and timelapses."""

from .connection import CameraConnection
from .errors import (
    CameraAccessDenied,
    CameraProtocolError,
    CameraStorageError,
    CameraStreamClosed,
    CameraUnavailable,
)
from .frame import CameraFrame, FrameSource
from .mjpeg import MJPEG_BOUNDARY, MJPEG_CONTENT_TYPE, mjpeg_chunks, mjpeg_content_type, mjpeg_part
from .settings import CameraEndpoint, CameraTimings, StreamOptions
from .shared_stream import SharedCameraStream, StreamStats
from .snapshots import Snapshot, async_save_snapshot, async_take_snapshot
from .timelapse_library import (
    PruneResult,
    TimelapseEntry,
    async_list_timelapses,
    async_prune_timelapses,
)
from .timelapse_manifest import TimelapseManifest, TimelapseStatus
from .timelapse_options import TimelapseOptions
from .timelapse_recorder import TimelapseRecorder, TimelapseResult
from .timelapse_video import TimelapseVideo, VideoFormat
from .viewer import FrameViewer

__all__ = [
    "MJPEG_BOUNDARY",
    "MJPEG_CONTENT_TYPE",
    "CameraAccessDenied",
    "CameraConnection",
    "CameraEndpoint",
    "CameraFrame",
    "CameraProtocolError",
    "CameraStorageError",
    "CameraStreamClosed",
    "CameraTimings",
    "CameraUnavailable",
    "FrameSource",
    "FrameViewer",
    "PruneResult",
    "SharedCameraStream",
    "Snapshot",
    "StreamOptions",
    "StreamStats",
    "TimelapseEntry",
    "TimelapseManifest",
    "TimelapseOptions",
    "TimelapseRecorder",
    "TimelapseResult",
    "TimelapseStatus",
    "TimelapseVideo",
    "VideoFormat",
    "async_list_timelapses",
    "async_prune_timelapses",
    "async_save_snapshot",
    "async_take_snapshot",
    "mjpeg_chunks",
    "mjpeg_content_type",
    "mjpeg_part",
]
