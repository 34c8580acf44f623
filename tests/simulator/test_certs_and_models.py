"""Certificates (CN = serial, no SAN, stable fingerprint) and model/identity facts."""

from __future__ import annotations

import contextlib
import hashlib
from pathlib import Path
import ssl

from cryptography import x509
from cryptography.hazmat.primitives import serialization
import pytest

from simulator import MODELS, SimulatedPrinter, get_model
from simulator.certs import CertificateStore, CertificateStoreError, common_name
from simulator.config import resolve_setups
from simulator.identity import InvalidIdentityError, derive_serial
from simulator.models import UnknownModelError

from .helpers import make_sim

SERIAL = "01P00A123456789"


def test_leaf_has_serial_cn_no_san_and_sha256_fingerprint(tmp_path: Path) -> None:
    store = CertificateStore(tmp_path)
    leaf = store.leaf(SERIAL)
    cert = x509.load_pem_x509_certificate(leaf.certfile.read_bytes())
    assert common_name(cert) == SERIAL
    with pytest.raises(x509.ExtensionNotFound):
        cert.extensions.get_extension_for_class(x509.SubjectAlternativeName)
    der = cert.public_bytes(serialization.Encoding.DER)
    assert leaf.fingerprint == hashlib.sha256(der).hexdigest()
    assert leaf.fingerprint == leaf.fingerprint.lower()
    assert cert.issuer == x509.load_pem_x509_certificate(store.ca_certfile.read_bytes()).subject
    assert leaf.keyfile.stat().st_mode & 0o077 == 0


def test_strict_verification_with_sni_serial_accepts_the_chain(tmp_path: Path) -> None:
    store = CertificateStore(tmp_path)
    leaf = store.leaf(SERIAL)
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(leaf.certfile, leaf.keyfile)
    client = ssl.create_default_context(cafile=store.ca_certfile)
    client_in, server_out = ssl.MemoryBIO(), ssl.MemoryBIO()
    server_in, client_out = ssl.MemoryBIO(), ssl.MemoryBIO()
    tls_client = client.wrap_bio(client_in, client_out, server_hostname=SERIAL)
    tls_server = server.wrap_bio(server_in, server_out, server_side=True)
    for _ in range(10):
        for side in (tls_client, tls_server):
            with contextlib.suppress(ssl.SSLWantReadError):
                side.do_handshake()
        server_in.write(client_out.read())
        client_in.write(server_out.read())
    tls_client.do_handshake()
    peer = tls_client.getpeercert()
    assert peer is not None
    assert peer["subject"] == ((("commonName", SERIAL),),)


def test_persisted_certificates_keep_their_fingerprint(tmp_path: Path) -> None:
    first = CertificateStore(tmp_path).leaf(SERIAL)
    again = CertificateStore(tmp_path).leaf(SERIAL)
    assert again.fingerprint == first.fingerprint
    other = CertificateStore(tmp_path).leaf("00M00A123456789")
    assert other.fingerprint != first.fingerprint
    first.certfile.write_text("garbage")
    with pytest.raises(CertificateStoreError):
        CertificateStore(tmp_path).leaf(SERIAL)


@pytest.mark.parametrize(
    ("model", "prefix", "product"),
    [
        ("X1C", "00M", "Bambu Lab X1-Carbon"),
        ("X1E", "03W", "Bambu Lab X1E"),
        ("P1P", "01S", "Bambu Lab P1P"),
        ("P1S", "01P", "Bambu Lab P1S"),
        ("A1", "039", "Bambu Lab A1"),
        ("A1MINI", "030", "Bambu Lab A1 mini"),
        ("P2S", "22E", "Bambu Lab P2S"),
        ("H2D", "094", "Bambu Lab H2D"),
    ],
)
def test_models_serials_and_version_modules(model: str, prefix: str, product: str) -> None:
    spec = get_model(model)
    serials = {derive_serial(spec, seed, 0) for seed in range(20)}
    assert len(serials) == 20
    for serial in serials:
        assert serial.startswith(prefix)
        assert len(serial) == 15
        assert serial.isalnum()
        assert serial.upper() == serial
    sim = make_sim(model, ams_units=1, ams_ht_units=1 if spec.supports_ams_ht else 0)
    [reply] = sim.handle_request(b'{"info": {"sequence_id": "1", "command": "get_version"}}')
    modules = {m["name"]: m for m in reply["info"]["module"]}
    assert modules["ota"]["product_name"] == product
    expected_ams = {"X1": "ams/0", "P1": "ams/0", "A1": "ams_f1/0", "H2": "n3f/0", "P2": "n3f/0"}
    assert expected_ams[spec.family] in modules
    if spec.supports_ams_ht:
        assert modules["n3s/128"]["hw_ver"] == "N3S05"


def test_all_required_models_exist_and_bad_input_is_rejected() -> None:
    assert {"X1C", "X1E", "P1P", "P1S", "A1", "A1MINI", "H2D", "P2S"} <= set(MODELS)
    assert get_model("a1 mini").key == "A1MINI"
    with pytest.raises(UnknownModelError):
        get_model("Ender3")
    with pytest.raises(InvalidIdentityError):
        SimulatedPrinter("P1S", serial="short")
    with pytest.raises(InvalidIdentityError):
        SimulatedPrinter("P1S", access_code="bad code!")
    with pytest.raises(ValueError, match="AMS"):
        resolve_setups([SimulatedPrinter("A1MINI", ams_units=2)])
    with pytest.raises(ValueError, match="share a serial"):
        resolve_setups(
            [SimulatedPrinter("P1S", serial=SERIAL), SimulatedPrinter("A1", serial=SERIAL)]
        )
    assert "12345678" not in repr(SimulatedPrinter("P1S", access_code="12345678"))
    assert "12345678" not in repr(make_sim("P1S", access_code="12345678").setup)


def test_fleet_identities_are_deterministic_and_distinct() -> None:
    configs = [
        SimulatedPrinter("P1S", seed=4),
        SimulatedPrinter("P1S", seed=4),
        SimulatedPrinter("X1C", seed=4),
    ]
    first, second = resolve_setups(configs), resolve_setups(configs)
    assert [s.serial for s in first] == [s.serial for s in second]
    assert [s.access_code for s in first] == [s.access_code for s in second]
    assert len({s.serial for s in first}) == 3
    assert all(len(s.access_code) == 8 and s.access_code.isdigit() for s in first)
