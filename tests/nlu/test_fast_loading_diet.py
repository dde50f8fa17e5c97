"""The fast-loading DIET: the trained model's weights, restored without a training step, give Rasa's outputs."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any, Dict, Iterator, Tuple

import numpy as np
import pytest
import tensorflow as tf
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.nlu.classifiers.diet_classifier import DIET
from rasa.shared.nlu.constants import TEXT
from rasa.utils import train_utils
from rasa.utils.tensorflow.model_data import RasaModelData

from nlu_components.fast_loading_diet import FastLoadingDIETClassifier, IncompleteDIETWeights, restore_for_inference

pytestmark = pytest.mark.needs_model


@pytest.fixture(scope="module")
def diet_files(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Tuple[Path, Dict[str, Any]]]:
    """The trained model's DIET folder and its configuration as the component loads it."""
    storage, metadata = LocalModelStorage.from_model_archive(tmp_path_factory.mktemp("model"), model_path)
    [node] = [n for n in metadata.predict_schema.nodes.values() if n.uses is FastLoadingDIETClassifier]
    config = {**FastLoadingDIETClassifier.get_default_config(), **node.config}
    config = train_utils.update_similarity_type(train_utils.update_confidence_type(config))
    with storage.read_from(node.resource) as directory:
        yield directory, config


def model_inputs(directory: Path, config: Dict[str, Any]) -> Dict[str, Any]:
    _, entity_tag_specs, label_data, data_example, _ = FastLoadingDIETClassifier._load_from_files(directory)
    example = RasaModelData(label_key="label", label_sub_key="ids", data=data_example)
    return {
        "tf_model_file": str(directory / "FastLoadingDIETClassifier.tf_model"),
        "model_data_example": example,
        "label_data": label_data,
        "entity_tag_specs": entity_tag_specs,
        "config": config,
    }


def text_example(example: RasaModelData) -> RasaModelData:
    return RasaModelData(label_key=example.label_key, data={k: v for k, v in example.items() if TEXT in k})


def test_the_restored_model_has_rasas_weights_and_outputs(diet_files: Tuple[Path, Dict[str, Any]]) -> None:
    directory, config = diet_files
    inputs = model_inputs(directory, config)
    predict_example = text_example(inputs["model_data_example"])
    # Rasa's own load: compile, train one step on the example, then read the checkpoint.
    rasas = DIET.load(
        inputs["tf_model_file"],
        inputs["model_data_example"],
        predict_example,
        data_signature=inputs["model_data_example"].get_signature(),
        label_data=inputs["label_data"],
        entity_tag_specs=inputs["entity_tag_specs"],
        config=copy.deepcopy(config),
    )
    rasa_weights = {w.name: w.numpy() for w in rasas.weights}
    rasa_outputs = rasas.run_inference(predict_example)

    ours = FastLoadingDIETClassifier._load_model_class(**inputs, finetune_mode=False)
    our_weights = {w.name: w.numpy() for w in ours.weights}
    assert our_weights.keys() == rasa_weights.keys()
    assert all(np.array_equal(our_weights[name], rasa_weights[name]) for name in rasa_weights)
    our_outputs = ours.run_inference(predict_example)
    for key in ("i_scores", "t_scores"):
        if key in rasa_outputs:
            assert np.array_equal(our_outputs[key], rasa_outputs[key]), key


def test_a_checkpoint_without_the_models_weights_is_refused(
    diet_files: Tuple[Path, Dict[str, Any]], tmp_path: Path
) -> None:
    directory, config = diet_files
    inputs = model_inputs(directory, config)
    empty = tf.train.Checkpoint(unrelated=tf.Variable(1.0)).write(str(tmp_path / "empty"))
    model = DIET(
        data_signature=inputs["model_data_example"].get_signature(),
        label_data=inputs["label_data"],
        entity_tag_specs=inputs["entity_tag_specs"],
        config=copy.deepcopy(config),
    )
    with pytest.raises(IncompleteDIETWeights, match="does not hold every weight"):
        restore_for_inference(model, empty, text_example(inputs["model_data_example"]))
