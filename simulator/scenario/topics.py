"""Module topics a scenario can exercise: the topic names of the course's module 6 (Logging and Monitoring).

Names and sections come from shared/seed/module-6-logging-and-monitoring.md; ``scenarios/schema.json``
lists the same names (a test keeps them equal).
"""

from __future__ import annotations

# topic id -> (module section, topic as the module names it)
TOPICS: dict[str, tuple[str, str]] = {
    "logging": ("2 Logging and Monitoring Concepts", "Logging"),
    "monitoring": ("2 Logging and Monitoring Concepts", "Monitoring"),
    "cloudtrail": ("3 Capturing and Collecting Logs", "AWS CloudTrail"),
    "s3-server-access-logs": ("4 AWS Services with Built-in Logging", "Amazon S3: Server Access Logging"),
    "vpc-flow-logs": ("4 AWS Services with Built-in Logging", "Amazon VPC: VPC Flow Logs"),
    "elb-access-logs": ("4 AWS Services with Built-in Logging", "Elastic Load Balancing (ELB): Access Logs"),
    "cloudwatch": ("5 Monitoring and Reporting", "Amazon CloudWatch"),
    "cloudwatch-logs": ("5 Monitoring and Reporting", "CloudWatch Logs"),
    "eventbridge": ("5 Monitoring and Reporting", "CloudWatch Events and EventBridge"),
    "cloudtrail-cloudwatch-integration": ("5 Monitoring and Reporting", "CloudTrail and CloudWatch Integration"),
    "define-requirements": ("6 Best Practices for Logging and Monitoring", "Define Your Requirements"),
    "metrics-and-baselines": ("6 Best Practices for Logging and Monitoring", "Collect Metrics and Define Baselines"),
    "alerting-and-response": ("6 Best Practices for Logging and Monitoring", "Alerting and Response"),
    "logging-throughout-workload": ("6 Best Practices for Logging and Monitoring",
                                    "Configure Logging Throughout the Workload"),
    "centralized-logging": ("6 Best Practices for Logging and Monitoring", "Centralize and Automate Log Collection"),
    "trusted-advisor": ("7 Additional AWS Services for Logging and Monitoring", "AWS Trusted Advisor"),
    "security-hub": ("7 Additional AWS Services for Logging and Monitoring", "AWS Security Hub"),
    "aws-config": ("7 Additional AWS Services for Logging and Monitoring", "AWS Config"),
}
