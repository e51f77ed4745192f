"""Exact on-disk record formats (CloudTrail JSON, flow-log, ALB and S3 access log lines) as AWS writes them."""
