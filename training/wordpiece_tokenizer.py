#!/usr/bin/env python3
"""Writes a Hugging Face `tokenizer.json` of the BERT kind (BertNormalizer, BertPreTokenizer, WordPiece,
[CLS] ... [SEP] template) for a given word list, with no dependency beyond the standard library.

It is the same file format that `tokenizers` / `transformers` write with `save_pretrained` for
bert-base-uncased; here it serves the stand-ins built on this machine, which cannot download a real one:
the tiny random model of the tests (test/fixtures/official/make_tiny_scar.py) and the BERT-base-sized
benchmark model (bench/anchor/make_anchor.py --official). An exported official checkpoint ships the
tokenizer.json of its own checkpoint instead (training/export_official_scar.py).

Every word of ASCII letters and digits can be tokenised: the vocabulary always holds the single characters
a-z, 0-9 and common punctuation, and their `##` continuations.
"""
import json
import os
import string

SPECIALS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]']


def wordpiece_vocab(words, size=None):
    """Specials, single characters and their ## continuations, then `words` (lower-cased, deduplicated), padded
    with [unusedN] entries up to `size` when given."""
    vocab = list(SPECIALS)
    seen = set(vocab)

    def add(tok):
        if tok not in seen and (size is None or len(vocab) < size):
            seen.add(tok)
            vocab.append(tok)

    chars = string.ascii_lowercase + string.digits
    for c in chars + string.punctuation:
        add(c)
    for c in chars:
        add('##' + c)
    for w in words:
        w = w.strip().lower()
        if w and not any(ch.isspace() for ch in w):
            add(w)
    n = 0
    while size is not None and len(vocab) < size:
        add(f'[unused{n}]')
        n += 1
    return vocab


def tokenizer_json(vocab):
    ids = {tok: i for i, tok in enumerate(vocab)}
    special = lambda t: {'id': ids[t], 'content': t, 'single_word': False, 'lstrip': False, 'rstrip': False,
                         'normalized': False, 'special': True}
    return {
        'version': '1.0',
        'truncation': None,
        'padding': None,
        'added_tokens': [special(t) for t in SPECIALS],
        'normalizer': {'type': 'BertNormalizer', 'clean_text': True, 'handle_chinese_chars': True,
                       'strip_accents': None, 'lowercase': True},
        'pre_tokenizer': {'type': 'BertPreTokenizer'},
        'post_processor': {
            'type': 'TemplateProcessing',
            'single': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                       {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}],
            'pair': [{'SpecialToken': {'id': '[CLS]', 'type_id': 0}}, {'Sequence': {'id': 'A', 'type_id': 0}},
                     {'SpecialToken': {'id': '[SEP]', 'type_id': 0}}, {'Sequence': {'id': 'B', 'type_id': 1}},
                     {'SpecialToken': {'id': '[SEP]', 'type_id': 1}}],
            'special_tokens': {t: {'id': t, 'ids': [ids[t]], 'tokens': [t]} for t in ('[CLS]', '[SEP]')},
        },
        'decoder': {'type': 'WordPiece', 'prefix': '##', 'cleanup': True},
        'model': {'type': 'WordPiece', 'unk_token': '[UNK]', 'continuing_subword_prefix': '##',
                  'max_input_chars_per_word': 100, 'vocab': ids},
    }


def tokenizer_config():
    return {'do_lower_case': True, 'model_max_length': 512, 'pad_token': '[PAD]', 'unk_token': '[UNK]',
            'cls_token': '[CLS]', 'sep_token': '[SEP]', 'mask_token': '[MASK]', 'tokenizer_class': 'BertTokenizer',
            'clean_up_tokenization_spaces': True}


def write_tokenizer(folder, words, size=None):
    """Writes tokenizer.json and tokenizer_config.json into `folder`; returns the vocabulary."""
    vocab = wordpiece_vocab(words, size)
    for name, obj in (('tokenizer.json', tokenizer_json(vocab)), ('tokenizer_config.json', tokenizer_config())):
        tmp = os.path.join(folder, name + '.tmp')
        with open(tmp, 'w', encoding='utf-8') as f:
            json.dump(obj, f, ensure_ascii=False)
        os.replace(tmp, os.path.join(folder, name))
    return vocab


def repo_words(limit=None):
    """Words of the bundled ranker's vocabulary (models/vocab.txt), for a realistic word list."""
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, '..', 'models', 'vocab.txt'), encoding='utf-8') as f:
        words = [w for w in f.read().split('\n') if w]
    return words if limit is None else words[:limit]
