#!/usr/bin/env python3
"""Exports one of the SCAR paper's official rankers (lizhuang144/scar-gte-base, scar-gte-large,
scar-roberta-base, ...) to a model folder that SCAR Lens runs offline, next to its bundled ranker.

    python3 training/export_official_scar.py lizhuang144/scar-gte-base OUT_DIR [--int8] [--use-int8]
    python3 training/export_official_scar.py /path/to/local/checkpoint OUT_DIR --encoder /path/to/encoder

Needs torch and transformers (pip install torch transformers), and, for the checkpoint's own class, the paper's
package (pip install scar-tool: module style_ranker); without it the ranker is rebuilt here from the checkpoint's
config.json (encoder_name, hidden_dim, linear_dim) and pytorch_model.bin, with the same layers. The first run
downloads the checkpoint (and its encoder's code) from the model hub; with a local checkpoint folder and --encoder
pointing at a local copy of the encoder (config.json and, for gte, its modelling code) it runs offline
(HF_HUB_OFFLINE=1). --int8 needs onnxruntime (pip install onnxruntime).

OUT_DIR receives:
  model.onnx          inputs instruction_input_ids, instruction_attention_mask, answer_input_ids,
                      answer_attention_mask (int64 [batch, length], both axes dynamic); output score (float32 [batch]).
                      The official heads output one MLP over [composition; presentation] embeddings, so there are no
                      scalar composition/presentation parts to expose: SCAR Lens shows the score alone.
  model.int8.onnx     (--int8) dynamically quantised weights; --use-int8 makes it the file SCAR Lens runs
  tokenizer.json, tokenizer_config.json   the checkpoint's own tokenizer (a fast one), read by SCAR Lens offline
  scar-model.json     kind, name, id, the ONNX file to run, maxLength 512, padTokenId, source, licence, variants
  MODEL_CARD.md       where it came from, what the score means, the check below

Then it checks the export on a few pairs: PyTorch against onnxruntime on the same token ids (when the Python
onnxruntime is installed), and PyTorch against SCAR Lens itself (`node bin/scar.js score --model OUT_DIR`, the real
tokenizer and engine; needs `npm run build`), and prints the largest differences.

--self-test OUT_DIR runs the same export and checks on a tiny random ranker of the same shape, built here with torch
alone (no transformers, no network): what this repository can test on a machine without the hub.
"""
import argparse
import datetime
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile

import torch
from torch import nn

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
INPUTS = ['instruction_input_ids', 'instruction_attention_mask', 'answer_input_ids', 'answer_attention_mask']
MAX_LENGTH = 512
KIND = 'scar-official-onnx'

SAMPLE_PAIRS = [
    ('How do I reverse a list in Python?', 'Use `xs[::-1]` for a reversed copy, or `xs.reverse()` to reverse it in place.'),
    ('Give me three tips for sleeping better.', '1. Keep a regular schedule.\n2. Avoid screens an hour before bed.\n3. Keep the room cool and dark.'),
    ('what is the capital of france', 'paris lol'),
    ('Write a haiku about autumn.', 'Crisp leaves drift and fall\ngolden light on quiet paths\nthe year exhales slow'),
    ('Explain recursion.', 'Recursion is when a function calls itself on a smaller part of the problem until it reaches a case '
     'it can answer directly. ' * 40),
    ('hi', 'Hello! How can I help you today?'),
]


# --- the ranker ------------------------------------------------------------------------------------------------------

def masked_max(states, mask):
    """Max over the sequence of the token states where mask is 1 (SCAR's presentation embedding)."""
    return states.masked_fill(mask.unsqueeze(-1) == 0, torch.finfo(states.dtype).min).max(dim=1).values


class RebuiltRanker(nn.Module):
    """SCAR's StyleRanker, rebuilt from its config: encoder twice, relation network, masked max-pool, output MLP.
    Parameter names match the checkpoint's state dict (encoder.*, relation_network.*, output_layer.*)."""

    def __init__(self, encoder, hidden_dim, linear_dim):
        super().__init__()
        self.encoder = encoder
        self.relation_network = nn.Sequential(nn.Linear(2 * hidden_dim, linear_dim), nn.ReLU(), nn.Linear(linear_dim, hidden_dim))
        self.output_layer = nn.Sequential(nn.Linear(2 * hidden_dim, linear_dim), nn.ReLU(), nn.Linear(linear_dim, 1))

    @staticmethod
    def sentence(out):
        pooled = getattr(out, 'pooler_output', None)
        return pooled if pooled is not None else out.last_hidden_state[:, 0]

    def forward(self, instruction_input_ids, instruction_attention_mask, answer_input_ids, answer_attention_mask):
        inst = self.encoder(input_ids=instruction_input_ids, attention_mask=instruction_attention_mask)
        ans = self.encoder(input_ids=answer_input_ids, attention_mask=answer_attention_mask)
        composition = self.relation_network(torch.cat([self.sentence(inst), self.sentence(ans)], dim=1))
        presentation = masked_max(ans.last_hidden_state, answer_attention_mask)
        return self.output_layer(torch.cat([composition, presentation], dim=1))


class ScoreOnly(nn.Module):
    """The export's signature: the four inputs by name, the score as float32 [batch]."""

    def __init__(self, ranker):
        super().__init__()
        self.ranker = ranker

    def forward(self, instruction_input_ids, instruction_attention_mask, answer_input_ids, answer_attention_mask):
        out = self.ranker(instruction_input_ids, instruction_attention_mask, answer_input_ids, answer_attention_mask)
        if isinstance(out, (tuple, list)):
            out = out[0]
        return out.reshape(-1).float()


def load_checkpoint(checkpoint, encoder_override):
    """The official ranker (eval mode) and its fast tokenizer, from a hub id or a local folder."""
    from transformers import AutoConfig, AutoModel, AutoTokenizer
    tokenizer = AutoTokenizer.from_pretrained(checkpoint)
    if not tokenizer.is_fast:
        sys.exit(f'{checkpoint}: its tokenizer has no fast (tokenizer.json) form; SCAR Lens needs tokenizer.json')
    try:
        if encoder_override:
            raise ImportError('--encoder given: rebuild the ranker with that encoder')
        from style_ranker.ranker.model import StyleRanker  # the paper's own class (pip install scar-tool)
        model = StyleRanker.from_pretrained(checkpoint)
        print(f'loaded {checkpoint} with style_ranker.StyleRanker')
    except ImportError:
        config_file = os.path.join(checkpoint, 'config.json') if os.path.isdir(checkpoint) else None
        if config_file is None:
            from huggingface_hub import hf_hub_download
            config_file = hf_hub_download(checkpoint, 'config.json')
        with open(config_file) as f:
            cfg = json.load(f)
        encoder_name = encoder_override or cfg['encoder_name']
        enc_config = AutoConfig.from_pretrained(encoder_name, trust_remote_code=True)
        encoder = AutoModel.from_config(enc_config, trust_remote_code=True)
        model = RebuiltRanker(encoder, cfg['hidden_dim'], cfg['linear_dim'])
        weights = os.path.join(checkpoint, 'pytorch_model.bin') if os.path.isdir(checkpoint) else None
        if weights is None:
            from huggingface_hub import hf_hub_download
            weights = hf_hub_download(checkpoint, 'pytorch_model.bin')
        state = torch.load(weights, map_location='cpu')
        missing, unexpected = model.load_state_dict(state, strict=False)
        # Buffers such as position_ids may be absent from older state dicts; any missing weight is an error.
        missing = [k for k in missing if not k.endswith('position_ids')]
        if missing:
            sys.exit(f'{checkpoint}: weights missing from pytorch_model.bin: {missing[:5]}...')
        if unexpected:
            print(f'note: ignoring {len(unexpected)} unexpected keys, e.g. {unexpected[:3]}')
        print(f'loaded {checkpoint}: encoder {encoder_name}, rebuilt heads (hidden {cfg["hidden_dim"]}, linear {cfg["linear_dim"]})')
    model.eval()
    return model, tokenizer


# --- export and checks -----------------------------------------------------------------------------------------------

def export_onnx(model, path, opset):
    wrapped = ScoreOnly(model).eval()
    b, li, la = 2, 7, 11
    example = (torch.randint(5, 100, (b, li)), torch.ones(b, li, dtype=torch.long),
               torch.randint(5, 100, (b, la)), torch.ones(b, la, dtype=torch.long))
    example[3][1, 8:] = 0  # a padded row, so the export traces the masking
    axes = {n: {0: 'batch', 1: n.split('_')[0] + '_length'} for n in INPUTS}
    axes['score'] = {0: 'batch'}
    tmp = path + '.tmp'
    with torch.no_grad():
        torch.onnx.export(wrapped, example, tmp, input_names=INPUTS, output_names=['score'], dynamic_axes=axes,
                          opset_version=opset, do_constant_folding=True)
    os.replace(tmp, path)


def batch_ids(encode, texts):
    """Padded int64 ids and masks of texts, each encoded (with special tokens, truncated at 512) by `encode`."""
    seqs = [encode(t) for t in texts]
    n = max(len(s) for s in seqs)
    ids = torch.zeros(len(seqs), n, dtype=torch.long)
    mask = torch.zeros(len(seqs), n, dtype=torch.long)
    for r, s in enumerate(seqs):
        ids[r, :len(s)] = torch.tensor(s)
        mask[r, :len(s)] = 1
    return ids, mask


def pytorch_scores(model, encode, pad_id, pairs):
    ii, im = batch_ids(encode, [p[0] for p in pairs])
    ai, am = batch_ids(encode, [p[1] for p in pairs])
    ii[im == 0] = pad_id
    ai[am == 0] = pad_id
    with torch.no_grad():
        return ScoreOnly(model)(ii, im, ai, am).tolist(), (ii, im, ai, am)


def onnxruntime_scores(path, feeds):
    try:
        import onnxruntime as ort
    except ImportError:
        return None
    sess = ort.InferenceSession(path, providers=['CPUExecutionProvider'])
    return sess.run(['score'], {n: t.numpy() for n, t in zip(INPUTS, feeds)})[0].tolist()


def scar_lens_scores(folder, pairs):
    """Scores of the pairs as SCAR Lens computes them: `node bin/scar.js score --model folder` (its own tokenizer)."""
    cli = os.path.join(REPO, 'bin', 'scar.js')
    if not os.path.exists(os.path.join(REPO, 'dist', 'cli.js')):
        print('(SCAR Lens check skipped: run `npm run build` first)')
        return None
    with tempfile.TemporaryDirectory() as tmp:
        data = os.path.join(tmp, 'pairs.jsonl')
        with open(data, 'w') as f:
            for q, a in pairs:
                f.write(json.dumps({'instruction': q, 'output': a}) + '\n')
        r = subprocess.run(['node', cli, 'score', data, '--model', folder, '--no-cache'], capture_output=True, text=True)
        if r.returncode != 0:
            sys.exit(f'SCAR Lens could not score with {folder}:\n{r.stderr}')
        return [json.loads(line)['score'] for line in r.stdout.strip().split('\n')]


def max_diff(a, b):
    return max(abs(x - y) for x, y in zip(a, b))


def sha256(path):
    h = hashlib.sha256()
    with open(path, 'rb') as f:
        for chunk in iter(lambda: f.read(1 << 20), b''):
            h.update(chunk)
    return h.hexdigest()


def write_json(path, obj):
    with open(path + '.tmp', 'w', encoding='utf-8') as f:
        json.dump(obj, f, indent=2, ensure_ascii=False)
        f.write('\n')
    os.replace(path + '.tmp', path)


def export_folder(model, save_tokenizer, encode, pad_id, out, name, source, license_, int8, use_int8, opset, description):
    os.makedirs(out, exist_ok=True)
    save_tokenizer(out)
    if not os.path.exists(os.path.join(out, 'tokenizer.json')):
        sys.exit(f'{out}: the tokenizer was saved without tokenizer.json')
    onnx_path = os.path.join(out, 'model.onnx')
    print(f'exporting to {onnx_path} (opset {opset})...')
    export_onnx(model, onnx_path, opset)
    variants = [{'file': 'model.onnx', 'precision': 'fp32', 'sha256': sha256(onnx_path)}]
    if int8:
        from onnxruntime.quantization import QuantType, quantize_dynamic
        q = os.path.join(out, 'model.int8.onnx')
        quantize_dynamic(onnx_path, q, weight_type=QuantType.QInt8)
        variants.append({'file': 'model.int8.onnx', 'precision': 'int8', 'sha256': sha256(q)})
    run = 'model.int8.onnx' if (int8 and use_int8) else 'model.onnx'
    digest = next(v['sha256'] for v in variants if v['file'] == run)
    meta = {
        'kind': KIND, 'name': name + ('-int8' if run != 'model.onnx' else ''), 'id': f'{name}-{digest[:12]}', 'onnx': run,
        'maxLength': MAX_LENGTH, 'padTokenId': int(pad_id), 'source': source, 'license': license_, 'variants': variants,
        'description': description,
        'exported': datetime.datetime.now(datetime.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ'),
        'exporter': 'training/export_official_scar.py', 'torch': torch.__version__,
    }
    write_json(os.path.join(out, 'scar-model.json'), meta)

    pt, feeds = pytorch_scores(model, encode, pad_id, SAMPLE_PAIRS)
    lines = [f'PyTorch scores of {len(SAMPLE_PAIRS)} sample pairs: {", ".join(f"{s:.4f}" for s in pt)}']
    ok = True
    for v in variants:
        o = onnxruntime_scores(os.path.join(out, v['file']), feeds)
        if o is None:
            lines.append('onnxruntime (Python) not installed: ONNX-vs-PyTorch check on the same ids skipped')
            break
        d = max_diff(pt, o)
        lines.append(f'max |PyTorch - onnxruntime| ({v["file"]}, same token ids): {d:.2e}')
        ok = ok and (d < 1e-3 or v['precision'] != 'fp32')
    lens = scar_lens_scores(out, SAMPLE_PAIRS)
    if lens is not None:
        d = max_diff(pt, lens)
        lines.append(f'max |PyTorch - SCAR Lens| ({run}, SCAR Lens tokenizing with tokenizer.json): {d:.2e}')
        ok = ok and (d < 1e-3 or run != 'model.onnx')
    for line in lines:
        print(line)
    card = [
        f'# {meta["name"]} (official SCAR ranker, exported to ONNX)', '',
        f'{description} Exported from `{source}` by `training/export_official_scar.py` on {meta["exported"]}. Licence: {license_}.',
        '',
        'The score is the official ranker\'s raw output: an unbounded real number, higher = more style-consistent '
        '(the SCAR README filters at -2.0 in its example). It has no calibration to 0-100 and no composition or '
        'presentation parts: the official output layer is one MLP over both embeddings. Texts are truncated at '
        f'{MAX_LENGTH} tokens, as SCAR does.', '',
        '## Export check', '', *[f'- {line}' for line in lines], '',
    ]
    with open(os.path.join(out, 'MODEL_CARD.md'), 'w') as f:
        f.write('\n'.join(card))
    if not ok:
        sys.exit('the export does not reproduce PyTorch within 1e-3: do not use it')
    print(f'done: {out} (choose it with "SCAR: Choose Ranker Model…" or `scar score --model {out}`)')


# --- the self-test: a tiny random ranker of the same shape, torch only -----------------------------------------------

class TinyEncoder(nn.Module):
    """A 2-layer transformer encoder with the outputs SCAR reads (last_hidden_state, pooler_output)."""

    def __init__(self, vocab, hidden=32):
        super().__init__()
        self.tok = nn.Embedding(vocab, hidden)
        self.pos = nn.Embedding(MAX_LENGTH, hidden)
        layer = nn.TransformerEncoderLayer(hidden, 4, 64, dropout=0.0, batch_first=True)
        self.layers = nn.ModuleList([layer, nn.TransformerEncoderLayer(hidden, 4, 64, dropout=0.0, batch_first=True)])
        self.pool = nn.Linear(hidden, hidden)

    def forward(self, input_ids, attention_mask):
        pos = torch.arange(input_ids.shape[1]).unsqueeze(0)
        x = self.tok(input_ids) + self.pos(pos)
        bias = (1.0 - attention_mask[:, None, None, :].float()) * -1e4
        for layer in self.layers:
            # self-attention with an additive mask, then the feed-forward block (as a BERT layer)
            h = layer.self_attn.in_proj_weight
            b = layer.self_attn.in_proj_bias
            q, k, v = torch.nn.functional.linear(x, h, b).chunk(3, dim=-1)
            n, l, d = q.shape
            heads = layer.self_attn.num_heads
            q, k, v = (t.reshape(n, l, heads, d // heads).transpose(1, 2) for t in (q, k, v))
            att = torch.softmax(q @ k.transpose(-1, -2) / (d // heads) ** 0.5 + bias, dim=-1)
            a = layer.self_attn.out_proj((att @ v).transpose(1, 2).reshape(n, l, d))
            x = layer.norm1(x + a)
            x = layer.norm2(x + layer.linear2(torch.relu(layer.linear1(x))))

        class Out:
            pass
        out = Out()
        out.last_hidden_state = x
        out.pooler_output = torch.tanh(self.pool(x[:, 0]))
        return out


def self_test(out):
    sys.path.insert(0, HERE)
    from wordpiece_tokenizer import repo_words, write_tokenizer
    torch.manual_seed(15)
    os.makedirs(out, exist_ok=True)
    vocab = write_tokenizer(out, repo_words(3000))
    model = RebuiltRanker(TinyEncoder(len(vocab)), 32, 16).eval()
    tok_file = os.path.join(out, 'tokenizer.json')
    cache = {}

    def encode(text):
        # Token ids from the same JavaScript tokenizer SCAR Lens uses (this machine has no Python tokenizers).
        if text not in cache:
            script = ("const {Tokenizer}=require('@huggingface/tokenizers');const fs=require('fs');"
                      "const t=new Tokenizer(JSON.parse(fs.readFileSync(process.argv[1],'utf8')),{});"
                      "const texts=JSON.parse(fs.readFileSync(0,'utf8'));"
                      "process.stdout.write(JSON.stringify(texts.map(s=>t.encode(s).ids)))")
            texts = [p[0] for p in SAMPLE_PAIRS] + [p[1] for p in SAMPLE_PAIRS]
            r = subprocess.run(['node', '-e', script, tok_file], input=json.dumps(texts), capture_output=True, text=True, cwd=REPO)
            if r.returncode != 0:
                sys.exit(f'node could not tokenise: {r.stderr}')
            for t, ids in zip(texts, json.loads(r.stdout)):
                cache[t] = ids[:MAX_LENGTH - 1] + [ids[-1]] if len(ids) > MAX_LENGTH else ids
        return cache[text]

    export_folder(model, lambda d: None, encode, 0, out, 'scar-selftest', 'random weights (export_official_scar.py --self-test)',
                  'MIT', False, False, 14, 'A tiny random ranker of the official shape, for the exporter\'s self-test.')


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n\n')[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('checkpoint', nargs='?', help='hub id (lizhuang144/scar-gte-base) or a local checkpoint folder')
    ap.add_argument('out', nargs='?', help='the model folder to write')
    ap.add_argument('--encoder', help='the encoder to build (a local folder for offline use); default: config.json\'s encoder_name')
    ap.add_argument('--name', help='display name (default: the checkpoint\'s last path part)')
    ap.add_argument('--license', default='MIT (SCAR\'s reference code and checkpoints; check the encoder\'s own licence too)')
    ap.add_argument('--int8', action='store_true', help='also write model.int8.onnx (dynamic int8 quantisation; needs onnxruntime)')
    ap.add_argument('--use-int8', action='store_true', help='make the int8 file the one SCAR Lens runs')
    ap.add_argument('--opset', type=int, default=17)
    ap.add_argument('--self-test', metavar='OUT', help='export a tiny random ranker of the same shape (torch only) and check it')
    a = ap.parse_args()
    if a.self_test:
        return self_test(a.self_test)
    if not a.checkpoint or not a.out:
        ap.error('needs CHECKPOINT and OUT_DIR (or --self-test OUT)')
    model, tokenizer = load_checkpoint(a.checkpoint, a.encoder)
    name = a.name or a.checkpoint.rstrip('/').split('/')[-1]

    def encode(text):
        return tokenizer(text, truncation=True, max_length=MAX_LENGTH)['input_ids']

    export_folder(model, tokenizer.save_pretrained, encode, tokenizer.pad_token_id, a.out, name, a.checkpoint, a.license,
                  a.int8, a.use_int8, a.opset, f'The SCAR paper\'s {name} ranker (Li et al., arXiv 2406.10882).')


if __name__ == '__main__':
    main()
