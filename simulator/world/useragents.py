"""User-agent pools per tool, built once per world from version lists (exact shapes of real CloudTrail values).

Shapes come from real records in shared/reference/samples/cloudtrail/invictus-ir_aws_dataset
(Terraform/aws-sdk-go, S3Console and RDS Console aws-sdk-java, amazon-ssm-agent) and from the
AWS CLI v2 / botocore user-agent formats. ``{command}`` in a CLI agent is filled per API call
(``command/ec2.describe-instances``) by the CloudTrail baseline.
"""

from __future__ import annotations

import numpy as np

CLI_VERSIONS = ("2.13.25", "2.15.30", "2.15.57", "2.17.20", "2.17.60", "2.18.5")
CLI_PLATFORMS = (
    "Python/3.11.8 Linux/6.5.0-1016-aws exe/x86_64.ubuntu.22",
    "Python/3.11.6 Darwin/23.4.0 exe/x86_64",
    "Python/3.11.8 Darwin/23.5.0 exe/arm64",
    "Python/3.11.5 Windows/10 exe/AMD64",
    "Python/3.11.9 Linux/5.15.0-1057-azure exe/x86_64.ubuntu.22",
)
BOTO_VERSIONS = (("1.34.69", "3.11.8"), ("1.34.131", "3.12.3"), ("1.35.24", "3.11.9"), ("1.33.13", "3.10.12"))
TERRAFORM = (
    ("1.5.7", "5.31.0", "1.49.13", "1.21.3"),
    ("1.6.6", "5.40.0", "1.50.38", "1.21.6"),
    ("1.1.2", "3.76.1", "1.44.157", "1.19.3"),
)
BROWSERS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:125.0) Gecko/20100101 Firefox/125.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4.1 Safari/605.1.15",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/124.0.0.0 Safari/537.36 Edg/124.0.0.0",
)
JAVA_SDK = (
    "aws-sdk-java/1.12.600 Linux/5.10.205-195.807.amzn2.x86_64 OpenJDK_64-Bit_Server_VM/17.0.9+8-LTS "
    "java/17.0.9 vendor/Amazon.com_Inc. cfg/retry-mode/standard"
)
SSM_AGENT = "aws-sdk-go/1.44.302 (go1.20.6; linux; amd64) amazon-ssm-agent/"
# Console back-ends sign S3 and RDS calls with their own agent; the rest carry the browser's.
S3_CONSOLE = (
    "[S3Console/0.4, aws-internal/3 aws-sdk-java/1.12.488 Linux/5.4.247-169.350.amzn2int.x86_64 "
    "OpenJDK_64-Bit_Server_VM/25.372-b08 java/1.8.0_372 vendor/Oracle_Corporation cfg/retry-mode/standard]"
)
RDS_CONSOLE = (
    "RDS Console, aws-internal/3 aws-sdk-java/1.12.488 Linux/5.4.247-169.350.amzn2int.x86_64 "
    "OpenJDK_64-Bit_Server_VM/25.372-b08 java/1.8.0_372 vendor/Oracle_Corporation cfg/retry-mode/standard"
)


def cli_agent(version: str, platform: str) -> str:
    return f"aws-cli/{version} {platform} prompt/off command/{{command}}"


def boto3_agent(version: str, python: str) -> str:
    bc = version  # boto3 and botocore share minor versions closely enough for realism
    return (
        f"Boto3/{version} md/Botocore#{bc} ua/2.0 os/linux#5.15.0-1057-aws md/arch#x86_64 "
        f"lang/python#{python} md/pyimpl#CPython cfg/retry-mode#legacy Botocore/{bc}"
    )


def terraform_agent(tf: str, provider: str, sdk: str, go: str) -> str:
    return (
        f"APN/1.0 HashiCorp/1.0 Terraform/{tf} (+https://www.terraform.io) terraform-provider-aws/{provider} "
        f"(+https://registry.terraform.io/providers/hashicorp/aws) aws-sdk-go/{sdk} (go{go}; linux; amd64) "
        "HashiCorp-terraform-exec/0.17.3"
    )


def build_pools() -> dict[str, tuple[str, ...]]:
    """Every user-agent string the world can emit, per tool."""
    return {
        "aws-cli": tuple(cli_agent(v, p) for v in CLI_VERSIONS for p in CLI_PLATFORMS),
        "boto3": tuple(boto3_agent(v, py) for v, py in BOTO_VERSIONS),
        "terraform": tuple(terraform_agent(*t) for t in TERRAFORM),
        "console": BROWSERS,
        "sdk-java": (JAVA_SDK,),
        "ssm-agent": (SSM_AGENT,),
        "s3-console": (S3_CONSOLE,),
        "rds-console": (RDS_CONSOLE,),
    }


def pick_personal(
    rng: np.random.Generator, pools: dict[str, tuple[str, ...]], tools: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    """One agent per tool for one person (a person keeps the same laptop, CLI and browser)."""
    return tuple((t, pools[t][int(rng.integers(0, len(pools[t])))]) for t in tools)
