"""Log synthesis engine: a seeded AWS organisation that writes CloudTrail, VPC Flow, ALB and S3 access logs."""
