"""Backends Trailwatch delivers to and reads from: `embedded` (the in-process emulator), `localstack`
and `aws`; dataset delivery (`trailwatch deliver`) and teardown of what Trailwatch created.

See docs/backends.md.
"""

from simulator.backends.config import BACKENDS, DELIVERY_ACCESS_KEY_ID, BackendConfig
from simulator.backends.dataset import Dataset, DatasetError, load_dataset
from simulator.backends.delivery import DeliveryError, DeliveryOptions, DeliverySummary, deliver_dataset

__all__ = [
    "BACKENDS",
    "DELIVERY_ACCESS_KEY_ID",
    "BackendConfig",
    "Dataset",
    "DatasetError",
    "DeliveryError",
    "DeliveryOptions",
    "DeliverySummary",
    "deliver_dataset",
    "load_dataset",
]
