"""AWS Config tampering: stopping the configuration recorder and deleting the delivery channel (CIS 3.9/4.9).

Shapes from the AWS Config API reference (StopConfigurationRecorder {ConfigurationRecorderName},
DeleteDeliveryChannel {DeliveryChannelName}; CloudTrail writes request parameters in lower camel case), no
real sample; responses are empty (null).
"""

from __future__ import annotations

from simulator.actions.base import ActionSpec, StepContext, StepResult, params_schema, register
from simulator.actions.records import Step, tool_param

CONFIG_CALLS = {
    "stop_recorder": ("StopConfigurationRecorder", "configurationRecorderName"),
    "delete_delivery_channel": ("DeleteDeliveryChannel", "deliveryChannelName"),
}


def emit_config_tamper(ctx: StepContext, params: dict) -> StepResult:
    step = Step(ctx)
    t = ctx.time_ms
    for op in params["operations"]:
        name, key = CONFIG_CALLS[op]
        step.api_call(t, "config.amazonaws.com", name, {key: "default"}, None, tool=params["tool"])
        t += 2000 + int(ctx.rng.integers(0, 6000))
    return step.result(operations=list(params["operations"]))


register(
    ActionSpec(
        name="stop_config_recording",
        summary="Switch off AWS Config: stop the configuration recorder and/or delete the delivery channel.",
        description=(
            "`StopConfigurationRecorder` (`configurationRecorderName`) and/or `DeleteDeliveryChannel` "
            "(`deliveryChannelName`) on `config.amazonaws.com`, response null [shape from the AWS Config API "
            "reference, no real sample]. In CIS's AWS-Config-changes filter."
        ),
        params=params_schema(
            {
                "operations": {
                    "type": "array",
                    "minItems": 1,
                    "uniqueItems": True,
                    "items": {"type": "string", "enum": sorted(CONFIG_CALLS)},
                    "default": ["stop_recorder"],
                },
                "tool": tool_param("aws-cli"),
                "source_ip": {"type": "string", "format": "ipv4"},
            }
        ),
        sources=("cloudtrail",),
        techniques=("T1562.001",),
        facts={"operations": "what was switched off"},
        emit=emit_config_tamper,
    )
)
