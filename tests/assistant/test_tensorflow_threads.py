"""The Rasa server runs each TensorFlow operation on one thread unless the environment says otherwise."""

from __future__ import annotations

import subprocess
import sys

from assistant.rasa_server import INTRA_OP_THREADS_VARIABLE, tensorflow_threads
from evaluation.paths import ROOT


def test_one_thread_per_operation_by_default() -> None:
    environ: dict[str, str] = {}
    tensorflow_threads(environ)
    assert environ[INTRA_OP_THREADS_VARIABLE] == "1"


def test_a_number_set_by_the_operator_is_kept() -> None:
    environ = {INTRA_OP_THREADS_VARIABLE: "2"}
    tensorflow_threads(environ)
    assert environ[INTRA_OP_THREADS_VARIABLE] == "2"


def test_a_blank_setting_gets_the_default() -> None:
    environ = {INTRA_OP_THREADS_VARIABLE: " "}
    tensorflow_threads(environ)
    assert environ[INTRA_OP_THREADS_VARIABLE] == "1"


def test_rasas_tensorflow_set_up_applies_it() -> None:
    # In a fresh interpreter: TensorFlow's thread pools are fixed once its runtime starts.
    script = (
        "import os\n"
        "from assistant.rasa_server import tensorflow_threads\n"
        "tensorflow_threads(os.environ)\n"
        "from rasa.utils.tensorflow.environment import setup_tf_environment\n"
        "setup_tf_environment()\n"
        "import tensorflow as tf\n"
        "print(tf.config.threading.get_intra_op_parallelism_threads())\n"
    )
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    command = [sys.executable, "-c", script]
    result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip().splitlines()[-1] == "1"
