"""The grader: replay a learner's labelled dataset through their detections and score what they caught.

Modules: dataset (read a generated dataset), regenerate (scenario+seed+student -> cached dataset),
submission (the issue-6 submission file), cfn (CloudFormation templates), live (a live backend via boto3),
wiring (SNS topics and subscriptions), evaluate (filters -> metrics -> alarms -> SNS; EventBridge rules),
detections (expected detections, false alarms), feedback, cis_corpus + cis (CIS controls by behaviour,
``--strict securityhub``), answers, rubric, report (Gradescope-shaped results), outputs (json, gradescope,
junit, csv, text), batch (a class on every core), grade (the pipeline), cli. Docs: docs/grading.md.
"""

from grader.grading.answers import check_answers, load_answers
from grader.grading.cfn import load_cfn_template, template_to_submission
from grader.grading.dataset import Dataset, load_dataset
from grader.grading.errors import BackendError, GradingInputError
from grader.grading.evaluate import Evaluation, evaluate
from grader.grading.grade import grade, open_dataset
from grader.grading.live import read_live_backend
from grader.grading.outputs import FORMATS, render
from grader.grading.rubric import Rubric, rubric_for
from grader.grading.submission import Submission, load_submission_file, submission_from_data

__all__ = [
    "FORMATS",
    "BackendError",
    "Dataset",
    "Evaluation",
    "GradingInputError",
    "Rubric",
    "Submission",
    "check_answers",
    "evaluate",
    "grade",
    "load_answers",
    "load_cfn_template",
    "load_dataset",
    "load_submission_file",
    "open_dataset",
    "read_live_backend",
    "render",
    "rubric_for",
    "submission_from_data",
    "template_to_submission",
]
