"""SNS wiring: which topics exist, which have subscribers, and whether an action or target reaches one.

Security Hub (and CIS's audit) count an alarm only when its action reaches an SNS topic with at least one
subscriber (shared/reference/cis-monitoring-controls.md, "How the graders check"); a subscription still
``PendingConfirmation`` (an e-mail nobody confirmed) delivers nothing. EventBridge targets that are not
SNS topics (SQS, Lambda, a log group...) deliver to their consumer and count as delivered.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from grader.grading.submission import Item, Submission


@dataclass
class Topic:
    arn: str
    name: str
    item: Item | None
    subscriptions: list[Item] = field(default_factory=list)

    @property
    def confirmed(self) -> list[Item]:
        return [s for s in self.subscriptions if s.body.get("SubscriptionArn") != "PendingConfirmation"]


@dataclass
class Delivery:
    delivered: bool
    problem: str | None  # why nothing was delivered, for feedback
    reached: tuple[str, ...] = ()  # topic / target ARNs that delivered


def topic_arn(region: str, account: str, name: str) -> str:
    return f"arn:aws:sns:{region}:{account}:{name}"


def build_topics(sub: Submission, region: str, account: str) -> tuple[dict[str, Topic], list[str]]:
    """Topics by ARN with their subscriptions, plus problems (subscriptions to unknown topics)."""
    topics: dict[str, Topic] = {}
    for item in sub.of("topics"):
        arn = str(item.body.get("TopicArn") or topic_arn(region, account, str(item.body["Name"])))
        topics[arn] = Topic(arn, str(item.body["Name"]), item)
    problems: list[str] = []
    for item in sub.of("subscriptions"):
        arn = str(item.body["TopicArn"])
        if arn in topics:
            topics[arn].subscriptions.append(item)
        else:
            known = ", ".join(sorted(topics)) or "none"
            problems.append(
                f"{item.where}: TopicArn {arn!r} is not one of your topics ({known}); "
                "the subscription delivers nothing"
            )
    return topics, problems


def sns_delivery(
    arns: list[str] | tuple[str, ...], topics: dict[str, Topic], *, other_targets_deliver: bool
) -> Delivery:
    reached: list[str] = []
    problems: list[str] = []
    for arn in arns:
        if not arn.startswith("arn:aws:sns:"):
            if other_targets_deliver:
                reached.append(arn)
            else:
                problems.append(f"{arn} is not an SNS topic (only SNS notifications count)")
            continue
        topic = topics.get(arn)
        if topic is None:
            name = arn.rsplit(":", 1)[-1]
            same = [t.arn for t in topics.values() if t.name == name]
            hint = f" (your topic of that name is {same[0]})" if same else ""
            problems.append(f"{arn} is not one of your topics{hint}")
        elif not topic.subscriptions:
            problems.append(f"topic {topic.name!r} has no subscription: nobody is notified")
        elif not topic.confirmed:
            problems.append(f"topic {topic.name!r} has only subscriptions pending confirmation")
        else:
            reached.append(arn)
    if reached:
        return Delivery(True, None, tuple(reached))
    return Delivery(False, "; ".join(problems) if problems else "no actions")
