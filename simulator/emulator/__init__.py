"""The embedded AWS backend: moto in-process, recording every API call as CloudTrail records
delivered to the learner's trails (S3 and CloudWatch Logs)."""

from simulator.emulator.server import DEFAULT_DELIVERY_DELAY, DEFAULT_PORT, EmbeddedEmulator

__all__ = ["DEFAULT_DELIVERY_DELAY", "DEFAULT_PORT", "EmbeddedEmulator"]
