"""Tiny models built in memory: a Receiver and a sentence encoder for examples and tests.

:func:`toy_receiver` is a randomly initialised two-layer Llama (hidden size
32) with a character-level tokenizer; :func:`toy_encoder` is a randomly
initialised two-layer BERT with a character-level tokenizer. Both are built
on the CPU in a fraction of a second, from a seed, without reading or
downloading any file, so every function that runs a Receiver or the encoder
(scoring, generation, utility tables, embeddings, the items stage) can be
shown and tested on them. Their outputs mean nothing: the weights are
random.

:func:`toy_result` is a :class:`~persuasion.llm.results.TaskResult` built by
hand, for the examples of the report's tables and figures.

Each tokenizer knows the printable ASCII characters (digits, letters,
punctuation, space, tab and newline), one token per character; any other
character is its ``<unk>`` token.
"""

from __future__ import annotations

import hashlib
import string

__all__ = ["toy_receiver", "toy_encoder", "toy_result", "toy_stages"]

#: The characters both toy tokenizers know, one token each.
_CHARACTERS = string.digits + string.ascii_letters + string.punctuation + " \t\n"


def _tokenizer(specials: list[str], template: str, **tokens):
    """A character-level ``PreTrainedTokenizerFast``: ``specials`` first (ids 0, 1, ...), then :data:`_CHARACTERS`.

    ``template``: the text wrapped with special tokens, ``$A`` standing for it
    (e.g. ``"<bos> $A"``); ``tokens``: the special tokens' roles
    (``unk_token="<unk>"``, ...).
    """
    from tokenizers import Tokenizer, decoders, models, processors
    from transformers import PreTrainedTokenizerFast

    vocab = {token: i for i, token in enumerate(specials + list(_CHARACTERS))}
    # BPE without merges: every character is its own token
    core = Tokenizer(models.BPE(vocab=vocab, merges=[], unk_token=tokens["unk_token"]))
    core.add_special_tokens(specials)
    core.decoder = decoders.Fuse()
    wrapped = [t for t in template.split() if t != "$A"]
    core.post_processor = processors.TemplateProcessing(single=template,
                                                        special_tokens=[(t, vocab[t]) for t in wrapped])
    return PreTrainedTokenizerFast(tokenizer_object=core, clean_up_tokenization_spaces=False, **tokens)


def _weights_hash(model) -> str:
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode())
        digest.update(tensor.detach().cpu().contiguous().numpy().tobytes())
    return digest.hexdigest()


def toy_receiver(seed: int = 0):
    """A tiny random causal language model as a :class:`~persuasion.llm.models.Receiver`, on the CPU.

    A two-layer ``LlamaForCausalLM`` (hidden size 32, float32, eval mode)
    whose weights are drawn from ``seed`` (the global torch random state is
    left as it was), and a character-level tokenizer that puts ``<bos>``
    before every text and pads with ``<pad>``. ``chat`` is False (prompts
    are plain text). The fingerprint hashes the weights and the
    tokenisation, as :func:`~persuasion.llm.models.load_receiver`'s does, so
    the cache keeps the scores of different seeds apart.

    >>> receiver = toy_receiver()
    >>> receiver.name, receiver.chat, receiver.device
    ('toy', False, device(type='cpu'))
    >>> receiver.tokenizer("Hi!").input_ids  # <bos>, then one token per character
    [1, 47, 22, 66]
    >>> # <unk> (3): a character not known
    >>> receiver.tokenizer.decode([1, 47, 22, 66, 3], skip_special_tokens=True)
    'Hi!'
    >>> sum(p.numel() for p in receiver.model.parameters())
    25056
    >>> same, other = toy_receiver(seed=0), toy_receiver(seed=1)
    >>> receiver.fingerprint == same.fingerprint != other.fingerprint
    True
    """
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    from .models import Receiver, _receiver_fingerprint

    tokenizer = _tokenizer(["<pad>", "<bos>", "<eos>", "<unk>"], "<bos> $A", pad_token="<pad>", bos_token="<bos>",
                           eos_token="<eos>", unk_token="<unk>")
    vocab = tokenizer.get_vocab()
    config = LlamaConfig(
        vocab_size=len(vocab), hidden_size=32, intermediate_size=64, num_hidden_layers=2, num_attention_heads=4,
        num_key_value_heads=2, max_position_embeddings=4096, initializer_range=0.2,
        pad_token_id=vocab["<pad>"], bos_token_id=vocab["<bos>"], eos_token_id=vocab["<eos>"],
    )
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = LlamaForCausalLM(config)
    model = model.to(device="cpu", dtype=torch.float32).eval()
    device = torch.device("cpu")
    return Receiver(name="toy", model=model, tokenizer=tokenizer, device=device, chat=False,
                    licence="none (random weights)",
                    fingerprint=_receiver_fingerprint(_weights_hash(model), tokenizer, "float32", device))


def toy_encoder(seed: int = 0):
    """A tiny random sentence encoder, ``(model, tokenizer)``, as :func:`~persuasion.llm.encoder.embed` takes it.

    A two-layer ``BertModel`` (hidden size 32, eval mode, CPU) whose weights
    are drawn from ``seed`` (the global torch random state is left as it
    was), and a character-level tokenizer that wraps every text in
    ``[CLS] ... [SEP]``.

    >>> model, tokenizer = toy_encoder()
    >>> model.config.hidden_size, model.device
    (32, device(type='cpu'))
    >>> tokenizer(["ab", "abc"], padding=True).input_ids  # [CLS] = 1, [SEP] = 2, [PAD] = 0
    [[1, 15, 16, 2, 0], [1, 15, 16, 17, 2]]
    """
    import torch
    from transformers import BertConfig, BertModel

    tokenizer = _tokenizer(["[PAD]", "[CLS]", "[SEP]", "[UNK]", "[MASK]"], "[CLS] $A [SEP]", pad_token="[PAD]",
                           cls_token="[CLS]", sep_token="[SEP]", unk_token="[UNK]", mask_token="[MASK]",
                           model_max_length=512)
    vocab = tokenizer.get_vocab()
    config = BertConfig(vocab_size=len(vocab), hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=64, max_position_embeddings=512, pad_token_id=vocab["[PAD]"])
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = BertModel(config, add_pooling_layer=False)
    return model.to(device="cpu", dtype=torch.float32).eval(), tokenizer


def toy_result(n: int = 12, seed: int = 0):
    """A :class:`~persuasion.llm.results.TaskResult` built by hand: one Receiver, ``"R"``, on ``n`` test inputs.

    Utilities are normal around -5 nats, one nat higher under the Advisors'
    structures; accuracy is 30% (60% under the Advisors'); prompts are 100
    tokens with no information, 300 with all, 130 with one item; the oracle
    is -3 nats; difficulty cycles 1, 2, 3, 4 (easy: at most 2). Its
    utility table scores seven items on all ``n + 6`` inputs: item ``c`` gains
    ``0.5 - 0.25 c`` nats over no information on average.

    >>> res = toy_result()
    >>> (
    ...     res.receivers,
    ...     len(res.ids["test"]),
    ...     round(float(res.utility["R"]["posterior information"].mean()), 2),
    ... )
    (['R'], 12, -3.4)
    """
    import numpy as np

    from .config import ExperimentConfig
    from .evaluate import STRUCTURES_EVAL
    from .results import TaskResult
    from .utilities import UtilityTable

    rng = np.random.default_rng(seed)
    ids = {"train": ["t1", "t2", "t3", "t4"], "val": ["v1", "v2"], "test": [f"x{k}" for k in range(n)]}
    inputs = [i for part in ("train", "val", "test") for i in ids[part]]
    draw = np.random.default_rng(seed + 1)  # a stream of its own, apart from the per-structure values'
    none = draw.normal(-5, 1, len(inputs))
    table = UtilityTable(
        ids=tuple(inputs), items=none[:, None] + 0.5 - 0.25 * np.arange(7) + draw.normal(0, 0.5, (len(inputs), 7)),
        none=none, all=none + 0.5, tokens_items=np.full((len(inputs), 7), 130),
        tokens_none=np.full(len(inputs), 100), tokens_all=np.full(len(inputs), 300))

    def per(f):  # Receiver -> structure -> per-input values
        return {"R": {s: f(s) for s in STRUCTURES_EVAL}}

    return TaskResult(
        ExperimentConfig("gsm8k", 4, 2, n, 8, n_boot=200), "synthetic", ["R"],
        ids=ids, difficulty=np.arange(n) % 4 + 1, threshold=2, policies={}, tables={"R": table},
        curves={"R": {"train": [0.0, -0.4, -0.6], "val": [0.0, -0.3, -0.2], "best_step": 1}},
        utility=per(lambda s: rng.normal(-5 + ("posterior" in s), 1, n)),
        correct=per(lambda s: 1.0 * (rng.random(n) < 0.3 + 0.3 * ("posterior" in s))),
        tokens=per(lambda s: np.full(n, {"no information": 100, "all information": 300}.get(s, 130))),
        oracle={"R": np.full(n, -3.0)})


def toy_stages():
    """``(config, done)``: the outputs of the stages up to the evaluation, built by hand for one Receiver, ``"R"``.

    The inputs are the smoke-scale synthetic draw (3 training, 1 validation
    and 2 test inputs); every input's utilities are random normal around -3
    nats; the Advisor always shows the best item; under no and prior
    information the Receiver answers nothing right, under the Advisor's
    item everything. ``done`` maps each stage's name to its output, as
    :func:`~persuasion.llm.experiment.run_stages` takes it.

    >>> config, done = toy_stages()
    >>> list(done), done["data"].rows["test"]
    (['data', 'items', 'utilities', 'advisor', 'evaluate'], [4, 5])
    """
    import numpy as np

    from ..protocol import Structure
    from .advisor import Advisors
    from .config import config_for
    from .evaluate import Evaluation
    from .items import Items
    from .tasks import draw_inputs
    from .utilities import Utilities, UtilityTable

    config = config_for("synthetic", "smoke")
    inputs = draw_inputs(config)
    ids = [p.id for p in inputs.problems]
    v = np.random.default_rng(0).normal(-3, 1, (6, 7))  # v(x, c): 6 inputs, 7 items
    pi = np.eye(7)[v.argmax(1)]  # an Advisor that always shows the best item
    test = inputs.rows["test"]
    evaluation = Evaluation(
        utility={"R": {Structure.PRIOR: v[test].mean(1), Structure.POSTERIOR: v[test].max(1)}},
        correct={"R": {Structure.PRIOR: np.zeros(2), Structure.POSTERIOR: np.ones(2)}},
        tokens={"R": {Structure.PRIOR: np.full(2, 40), Structure.POSTERIOR: np.full(2, 40)}},
        policies={"R": pi[test]}, other={}, oracle={"R": v[test].max(1)})
    return config, {
        "data": inputs,
        "items": Items({i: [f"Hint {k}." for k in range(1, 8)] for i in ids}, {}),
        "utilities": Utilities({"R": UtilityTable(tuple(ids), v, v.mean(1) - 1, v.mean(1), None, None, None)}, {}),
        "advisor": Advisors({"R": {"train": [0.0], "val": [0.0], "best_step": 0}}, {"R": pi}),
        "evaluate": evaluation,
    }
