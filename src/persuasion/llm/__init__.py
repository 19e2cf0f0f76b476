"""The language-model layer: Bai et al.'s Advisor/Receiver experiment on small language models.

The experiment is a pipeline of stages (:mod:`persuasion.llm.experiment`),
each a function in the module of its concept: data (:mod:`~persuasion.llm.tasks`),
items (:mod:`~persuasion.llm.items`), utilities (:mod:`~persuasion.llm.utilities`),
Advisor (:mod:`~persuasion.llm.advisor`), evaluation (:mod:`~persuasion.llm.evaluate`)
and report (:mod:`~persuasion.llm.results`, :mod:`~persuasion.llm.report`);
models, prompts, scoring, answers (:mod:`~persuasion.llm.answers`), the cache and a sandbox for generated code serve
them. Never imported by ``import persuasion``; its modules import torch and
transformers only where they need them.
"""
