"""The language-model layer: models, tasks, information items, scoring, and a sandbox for generated code.

Never imported by ``import persuasion``; its modules import torch and
transformers only where they need them.
"""
