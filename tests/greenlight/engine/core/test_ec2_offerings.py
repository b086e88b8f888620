"""moto's EC2 instance type offerings, read when first asked for (engine.core.botocore_models): the same data moto reads
at import, for whoever asks (a test running EC2 instances in moto), and none of it read by a local run."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import boto3
import moto
import pytest
from moto import mock_aws
from moto.utilities.utils import load_resource

from greenlight.engine.core import botocore_models as models

FOLDER = Path(moto.__file__).parent / "ec2" / "resources" / "instance_type_offerings"


def as_moto_reads_them() -> dict[str, dict[str, Any]]:
    """moto.ec2.models.instance_types' own loop."""
    offerings: dict[str, dict[str, Any]] = {}
    for location_type in os.listdir(FOLDER):
        offerings[location_type] = {}
        for file in os.listdir(FOLDER / location_type):
            data = load_resource(f"ec2/resources/instance_type_offerings/{location_type}/{file}")
            for offering in data:
                offering["LocationType"] = location_type
            offerings[location_type][file.split(".")[0]] = data
    return offerings


def test_the_offerings_read_later_are_the_ones_moto_reads() -> None:
    models.import_moto_with_shared_sessions()
    from moto.ec2.models.instance_types import INSTANCE_TYPE_OFFERINGS

    if models._offering_files:  # moto.ec2.models was first imported by greenlight (not by an earlier test)
        assert all(isinstance(regions, models.Offerings) for regions in INSTANCE_TYPE_OFFERINGS.values())
    expected = as_moto_reads_them()
    assert INSTANCE_TYPE_OFFERINGS["region"].get("eu-west-3") == expected["region"]["eu-west-3"]
    assert "us-east-1" in INSTANCE_TYPE_OFFERINGS["availability-zone"]
    assert INSTANCE_TYPE_OFFERINGS["region"].get("no-such-region", []) == []
    assert {kind: dict(regions.items()) for kind, regions in INSTANCE_TYPE_OFFERINGS.items()} == expected


def test_moto_ec2_answers_from_them() -> None:
    models.import_moto_with_shared_sessions()
    with mock_aws():
        ec2 = boto3.client("ec2", region_name="eu-west-1", aws_access_key_id="a", aws_secret_access_key="b")
        offered = ec2.describe_instance_type_offerings(LocationType="availability-zone")["InstanceTypeOfferings"]
        assert {"InstanceType": "t3.micro", "LocationType": "availability-zone", "Location": "eu-west-1a"} in offered
        # a zone outside the region is refused by the offerings of the region's zones
        with pytest.raises(ec2.exceptions.ClientError) as refused:
            ec2.run_instances(
                ImageId="ami-12345678", MinCount=1, MaxCount=1, Placement={"AvailabilityZone": "us-east-1a"}
            )
        assert refused.value.response["Error"]["Message"] == "Invalid Availability Zone (us-east-1a)"
