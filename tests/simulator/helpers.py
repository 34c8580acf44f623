"""Client-side helpers for simulator tests: a paho MQTT client and raw protocol probes.

They connect the way the integration does: TLS with verification off (CERT_NONE), then the
peer certificate is checked by hand (CN = serial, SHA-256 fingerprint pinned).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
import hashlib
import json
import queue
import socket
import ssl
import struct
import threading
import time
from typing import Any

from cryptography import x509
from cryptography.x509.oid import NameOID
import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion

from simulator import PrinterInfo, SimulatedPrinter
from simulator.config import resolve_setups
from simulator.printer import PrinterSim

JsonDict = dict[str, Any]
FIXED_NOW = 1_750_000_000.0


def make_sim(model: str, **options: Any) -> PrinterSim:
    """A PrinterSim with a frozen wall clock, so payloads are fully reproducible."""
    setup = resolve_setups([SimulatedPrinter(model, **options)])[0]
    return PrinterSim(setup, clock=lambda: FIXED_NOW)


def client_context() -> ssl.SSLContext:
    """TLS client context as the integration uses it: no chain or hostname verification."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


def describe_certificate(der: bytes) -> tuple[str | None, str, bool]:
    """(subject CN, sha256 fingerprint, has a subjectAltName extension)."""
    cert = x509.load_der_x509_certificate(der)
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    common_name = str(names[0].value) if names else None
    try:
        cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
        has_san = True
    except x509.ExtensionNotFound:
        has_san = False
    return common_name, hashlib.sha256(der).hexdigest(), has_san


def _encode_string(text: str) -> bytes:
    raw = text.encode()
    return struct.pack("!H", len(raw)) + raw


@dataclass(frozen=True)
class Endpoint:
    """Where an MQTT broker should be listening."""

    host: str
    mqtt_port: int
    serial: str


def raw_connack(info: PrinterInfo | Endpoint, username: str, password: str) -> bytes:
    """Send a hand-built MQTT 3.1.1 CONNECT over TLS and return the 4-byte CONNACK."""
    variable = _encode_string("MQTT") + bytes([4, 0xC2]) + struct.pack("!H", 30)
    payload = _encode_string("raw-probe") + _encode_string(username) + _encode_string(password)
    body = variable + payload
    packet = bytes([0x10, len(body)]) + body
    with (
        socket.create_connection((info.host, info.mqtt_port), timeout=5) as plain,
        client_context().wrap_socket(plain, server_hostname=info.serial) as tls,
    ):
        tls.sendall(packet)
        received = b""
        while len(received) < 4:
            chunk = tls.recv(4 - len(received))
            if not chunk:
                break
            received += chunk
        return received


class PrinterClient:
    """A paho client subscribed to one printer's report topic, collecting messages."""

    def __init__(
        self, info: PrinterInfo, *, username: str = "bblp", password: str | None = None
    ) -> None:
        self.info = info
        self.messages: queue.Queue[JsonDict] = queue.Queue()
        self.connect_results: queue.Queue[int] = queue.Queue()
        self.disconnected = threading.Event()
        self._client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=f"sim-test-{time.monotonic_ns()}",
            protocol=mqtt.MQTTv311,
        )
        self._client.tls_set_context(client_context())
        self._client.username_pw_set(username, info.access_code if password is None else password)
        self._client.reconnect_delay_set(min_delay=1, max_delay=1)
        self._client.on_connect = self._on_connect
        self._client.on_message = self._on_message
        self._client.on_disconnect = self._on_disconnect
        self._started = False

    def _on_connect(
        self, client: mqtt.Client, userdata: Any, flags: Any, rc: Any, props: Any
    ) -> None:
        if rc.value == 0:
            client.subscribe(f"device/{self.info.serial}/report")
        self.connect_results.put(rc.value)

    def _on_message(self, client: mqtt.Client, userdata: Any, message: mqtt.MQTTMessage) -> None:
        self.messages.put(json.loads(message.payload))

    def _on_disconnect(self, client: mqtt.Client, *args: Any) -> None:
        self.disconnected.set()

    def connect(self, timeout: float = 5.0) -> int:
        """Connect and return the CONNACK code paho reports (0 ok, 135 = v3 code 5)."""
        self._client.connect(self.info.host, self.info.mqtt_port, keepalive=10)
        self._client.loop_start()
        self._started = True
        result = self.connect_results.get(timeout=timeout)
        if result == 0:
            time.sleep(0.2)  # let the SUBACK land before the test publishes
        return result

    def peer_certificate(self) -> bytes:
        """DER of the certificate the broker presented."""
        sock = self._client.socket()
        assert isinstance(sock, ssl.SSLSocket)
        der = sock.getpeercert(binary_form=True)
        assert der is not None
        return der

    def request(self, payload: JsonDict | bytes) -> None:
        """Publish on the request topic."""
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self._client.publish(f"device/{self.info.serial}/request", data, qos=1)

    def wait_for(self, predicate: Callable[[JsonDict], bool], timeout: float = 5.0) -> JsonDict:
        """Next message satisfying `predicate` (others are dropped)."""
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("no matching message")
            try:
                message = self.messages.get(timeout=remaining)
            except queue.Empty:
                continue
            if predicate(message):
                return message

    def drain(self) -> None:
        """Forget everything received so far."""
        while not self.messages.empty():
            self.messages.get_nowait()

    def close(self) -> None:
        """Disconnect and join paho's network thread."""
        if self._started:
            self._client.disconnect()
            self._client.loop_stop()
            self._started = False


def reply_to(
    section: str, command: str, sequence_id: str | None = None
) -> Callable[[JsonDict], bool]:
    """Predicate for the reply to a command (optionally with a given sequence_id)."""

    def match(message: JsonDict) -> bool:
        body = message.get(section)
        if not isinstance(body, dict) or body.get("command") != command:
            return False
        return sequence_id is None or body.get("sequence_id") == sequence_id

    return match


def push_status(msg: int | None = None) -> Callable[[JsonDict], bool]:
    """Predicate for push_status reports (optionally only full or only delta)."""

    def match(message: JsonDict) -> bool:
        body = message.get("print")
        if not isinstance(body, dict) or body.get("command") != "push_status":
            return False
        return msg is None or body.get("msg") == msg

    return match
