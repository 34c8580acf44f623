"""Account data (printers, profile), model mapping and the region addresses."""

from __future__ import annotations

import logging

import pytest

from custom_components.bambuprint_iq.core.cloud import (
    BambuCloudClient,
    CloudCredentials,
    CloudEndpoints,
    CloudRegion,
    CloudResponseError,
    model_from_names,
)
from custom_components.bambuprint_iq.core.cloud.account import parse_device_list, parse_profile
from custom_components.bambuprint_iq.core.printer.models import PrinterModel
from tests.fakes.bambu_cloud import FakeBambuCloud, device_entry

from .conftest import P1S_SERIAL, PASSWORD, PASSWORD_UID, PASSWORD_USER, X1C_SERIAL


async def _signed_in(client: BambuCloudClient) -> CloudCredentials:
    credentials = await client.async_login(PASSWORD_USER, PASSWORD)
    assert isinstance(credentials, CloudCredentials)
    return credentials


async def test_device_list_from_the_cloud(client: BambuCloudClient, cloud: FakeBambuCloud) -> None:
    credentials = await _signed_in(client)

    x1c, p1s = await client.async_get_devices(credentials)

    assert cloud.requests[-1].authorized
    assert (x1c.serial, x1c.name, x1c.model, x1c.model_id) == (
        X1C_SERIAL,
        "Garage X1C",
        PrinterModel.X1C,
        "BL-P001",
    )
    assert (x1c.online, x1c.print_status, x1c.nozzle_diameter) == (True, "RUNNING", 0.4)
    assert x1c.access_code == "a1b2c3d4"  # the trailing newline the cloud sends is gone
    assert (p1s.serial, p1s.model, p1s.online, p1s.access_code) == (
        P1S_SERIAL,
        PrinterModel.P1S,
        False,
        "87654321",
    )


async def test_profile(client: BambuCloudClient) -> None:
    profile = await client.async_get_profile(await _signed_in(client))

    assert profile.uid == str(PASSWORD_UID)
    assert profile.account == PASSWORD_USER
    assert profile.name == "Test Maker"
    assert profile.product_models == ("P1S", "X1 Carbon")


def test_malformed_entries_are_skipped_without_leaking_codes(
    caplog: pytest.LogCaptureFixture,
) -> None:
    good = device_entry("03W00X123456789", model_name="C13", product_name="X1E", access_code="zz")
    body = {
        "message": "success",
        "devices": [
            {"dev_id": "bad serial!", "dev_access_code": "SECRET99"},
            "not an object",
            {"name": "no serial", "dev_access_code": "SECRET98"},
            good,
            {**good, "name": "duplicate"},
            {
                "dev_id": "0940000000000001",
                "dev_model_name": "O1D",
                "online": "yes",
                "dev_access_code": "  \n",
                "nozzle_diameter": "abc",
                "name": "\x00\x07",
            },
        ],
    }

    with caplog.at_level(logging.DEBUG):
        devices = parse_device_list(body)

    assert [device.serial for device in devices] == ["03W00X123456789", "0940000000000001"]
    x1e, h2d = devices
    assert (x1e.model, x1e.name) == (PrinterModel.X1E, "Workshop printer")
    assert (h2d.model, h2d.online, h2d.access_code, h2d.nozzle_diameter, h2d.name) == (
        PrinterModel.H2D,
        False,
        None,
        None,
        "0940000000000001",
    )
    assert len([r for r in caplog.records if "Skipping" in r.getMessage()]) == 3
    assert "SECRET9" not in caplog.text


@pytest.mark.parametrize(
    "body", [{"devices": "many"}, {"message": "failure"}, {"devices": None, "code": 1}]
)
def test_unusable_device_list(body: dict[str, object]) -> None:
    with pytest.raises(CloudResponseError):
        parse_device_list(body)


def test_empty_account() -> None:
    assert parse_device_list({"message": "success", "devices": []}) == ()
    assert parse_device_list({"message": "success"}) == ()


def test_profile_without_uid() -> None:
    with pytest.raises(CloudResponseError):
        parse_profile({"account": "x@example.com"})


@pytest.mark.parametrize(
    ("names", "model"),
    [
        (("BL-P001", "X1 Carbon"), PrinterModel.X1C),
        (("BL-P002", None), PrinterModel.X1),
        (("C11", "P1P"), PrinterModel.P1P),
        (("N1", None), PrinterModel.A1_MINI),
        (("N2S", None), PrinterModel.A1),
        (("P2S", "P2S"), PrinterModel.P2S),
        (("N7", None), PrinterModel.P2S),
        (("O1E", None), PrinterModel.H2D_PRO),
        (("O1C2", None), PrinterModel.H2C),
        (("unknown", "A1 mini"), PrinterModel.A1_MINI),
        ((None, "H2D Pro"), PrinterModel.H2D_PRO),
        ((None, "Bambu Lab H2S"), PrinterModel.H2S),
        (("c12", None), PrinterModel.P1S),
        (("Z9", "Mystery"), None),
        ((None, None), None),
    ],
)
def test_model_mapping(names: tuple[str | None, str | None], model: PrinterModel | None) -> None:
    assert model_from_names(*names) is model


def test_region_addresses() -> None:
    world = CloudEndpoints.for_region(CloudRegion.GLOBAL)
    china = CloudEndpoints.for_region(CloudRegion.CHINA)

    assert (world.api_url, world.web_url, world.mqtt_host, world.mqtt_port) == (
        "https://api.bambulab.com",
        "https://bambulab.com",
        "us.mqtt.bambulab.com",
        8883,
    )
    assert (china.api_url, china.web_url, china.mqtt_host, china.mqtt_port) == (
        "https://api.bambulab.cn",
        "https://bambulab.cn",
        "cn.mqtt.bambulab.com",
        8883,
    )
    assert china.web_host == "bambulab.cn"


async def test_client_defaults_to_the_region_addresses() -> None:
    import aiohttp

    async with aiohttp.ClientSession() as session:
        client = BambuCloudClient(session, CloudRegion.CHINA)

    assert client.endpoints == CloudEndpoints.for_region(CloudRegion.CHINA)
    assert client.region is CloudRegion.CHINA


@pytest.mark.parametrize(
    "url",
    [
        "http://api.example.com",
        "ftp://127.0.0.1",
        "/v1",
        "https://user:pw@api.example.com",
        "https://api.example.com?x=1",
    ],
)
def test_unsafe_base_urls_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="api_url"):
        CloudEndpoints(api_url=url, web_url="https://example.com", mqtt_host="mqtt.example.com")


def test_loopback_http_and_trailing_slashes() -> None:
    endpoints = CloudEndpoints(
        api_url="http://127.0.0.1:8080/",
        web_url="http://localhost:8081/",
        mqtt_host="127.0.0.1",
        mqtt_port=18883,
    )

    assert (endpoints.api_url, endpoints.web_url) == (
        "http://127.0.0.1:8080",
        "http://localhost:8081",
    )


@pytest.mark.parametrize(("host", "port"), [("", 8883), ("a host", 8883), ("mqtt", 0)])
def test_bad_mqtt_address(host: str, port: int) -> None:
    with pytest.raises(ValueError, match="mqtt"):
        CloudEndpoints(
            api_url="https://a.example", web_url="https://b.example", mqtt_host=host, mqtt_port=port
        )
