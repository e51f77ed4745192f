"""Delivery layouts: S3 object keys and file names, gzip envelopes, and the CloudWatch Logs form."""
