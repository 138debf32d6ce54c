"""Mailroom in Airflow: one task per mailbox, all loading into one PostgreSQL CRM store.

Each task runs ``mailroom run PIPELINE --mailbox NAME``. Tasks of different mailboxes load at once; a second task
for the same mailbox is refused at once (exit 6, naming the holder), so a retry or an overlapping DAG run is safe,
and a retried task reloads its mailbox without duplicates. Exit codes are Mailroom's (README, "Exit codes"):
retry on 6 (locked), 10/11/16 (network); fix the pipeline on 2, 3, 4, 13.

Set ``MAILROOM_PIPELINE`` (the pipeline file on the workers) and ``MAILROOM_RUN_OPTIONS`` (more options, for
example ``--days 60``) in the workers' environment, or edit the defaults below.
"""
import os
from datetime import datetime, timedelta

from airflow import DAG
from airflow.operators.bash import BashOperator

PIPELINE = os.environ.get("MAILROOM_PIPELINE", "/opt/mailroom/pipelines/crm.yml")
RUN_OPTIONS = os.environ.get("MAILROOM_RUN_OPTIONS", "")
MAILBOXES = ["sales", "support", "finance", "founders"]

with DAG(
    dag_id="mailroom_load",
    start_date=datetime(2026, 1, 1),
    schedule="@daily",
    catchup=False,
    max_active_tasks=8,
    default_args={"retries": 2, "retry_delay": timedelta(minutes=5)},
    tags=["mailroom", "crm"],
) as dag:
    for name in MAILBOXES:
        BashOperator(
            task_id=f"load_{name}",
            bash_command=f"mailroom run '{PIPELINE}' --mailbox '{name}' --quiet {RUN_OPTIONS}",
        )
