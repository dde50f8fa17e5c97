"""Rasa's DIETClassifier, loaded for inference without tracing a training step.

Rasa 3.6 builds a loaded DIET by compiling it with an optimizer and training it for one
step on an example (`RasaModel.load`, "need to train on 1 example to build weights of the
correct size"), then overwrites the weights from the checkpoint. Tracing that training
step (loss, gradients, Adam's slots) took 34 s and 625 MB of the Rasa server's start-up
here, none of it used again. This subclass restores the checkpoint first and lets one
inference on the same example create the variables, each taking its saved value as it is
created (TensorFlow's restore-on-create). Every layer the inference creates must match a
saved one, or the load fails; the optimizer's saved slots are not needed and are skipped.

Training, persisting and fine-tuning are Rasa's own, unchanged. The loaded model gives
the same outputs as Rasa's load, to the bit (tests/nlu/test_fast_loading_diet.py).
"""

from __future__ import annotations

import copy
from typing import Any, Dict, List

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.classifiers.diet_classifier import DIETClassifier
from rasa.nlu.extractors.extractor import EntityTagSpec
from rasa.shared.exceptions import RasaException
from rasa.shared.nlu.constants import TEXT
from rasa.utils.tensorflow.model_data import RasaModelData
from rasa.utils.tensorflow.models import RasaModel


class IncompleteDIETWeights(RasaException):
    """The checkpoint lacks weights the model needs for inference."""


def restore_for_inference(model: RasaModel, weights_file: str, predict_example: RasaModelData) -> RasaModel:
    """Restore `weights_file` into an unbuilt `model` by running it once on `predict_example`."""
    status = None
    try:
        status = model.load_weights(weights_file)  # Keras refuses a checkpoint of another model here
        model.run_inference(predict_example)
        status.assert_existing_objects_matched()  # and a checkpoint missing any weight the model made here
    except AssertionError as error:
        raise IncompleteDIETWeights(f"{weights_file}: the checkpoint does not hold every weight: {error}") from error
    finally:
        if status is not None:
            status.expect_partial()  # the optimizer's slots are saved for fine-tuning, not needed here
    return model


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR],
    is_trainable=True,
)
class FastLoadingDIETClassifier(DIETClassifier):
    """DIETClassifier whose load skips the one-step training Rasa uses to build the model."""

    @classmethod
    def _load_model_class(
        cls,
        tf_model_file: str,
        model_data_example: RasaModelData,
        label_data: RasaModelData,
        entity_tag_specs: List[EntityTagSpec],
        config: Dict[str, Any],
        finetune_mode: bool,
    ) -> RasaModel:
        if finetune_mode:  # training goes on: Rasa's load, which builds the optimizer
            return super()._load_model_class(
                tf_model_file, model_data_example, label_data, entity_tag_specs, config, finetune_mode
            )
        # The text features only, as Rasa's own load predicts on them.
        predict_example = RasaModelData(
            label_key=model_data_example.label_key,
            data={name: features for name, features in model_data_example.items() if TEXT in name},
        )
        model = cls.model_class()(
            data_signature=model_data_example.get_signature(),
            label_data=label_data,
            entity_tag_specs=entity_tag_specs,
            config=copy.deepcopy(config),
        )
        return restore_for_inference(model, tf_model_file, predict_example)
