#!/usr/bin/env python3
"""Builds THE ANCHOR for bench/score.bench.js: an ONNX model of SCAR's reference ranker at its real size, with
random weights (seeded). Not committed; written to bench/work/anchor.onnx (or the path given as argv[1]).

Architecture (as SCAR's style_ranker, see shared notes): one BERT-base-sized encoder (vocabulary 30522, 512
positions, 12 layers, hidden 768, 12 heads, feed-forward 3072, GELU, post-LayerNorm) shared by two passes per
pair, one over the instruction and one over the response;
  composition  = relation network Linear(2h->h), ReLU, Linear(h->h) over [CLS(instruction); CLS(response)]
  presentation = masked max-pooling over the response's token states
  score        = Linear(2h->h), ReLU, Linear(h->1) over [composition; presentation]
About 112 M parameters. Inputs: instruction_ids, instruction_mask, response_ids, response_mask (int64 [B, L],
L <= 512). Outputs: score, composition_norm, presentation_norm ([B]).

Run with Debian's torch: /usr/bin/python3 bench/anchor/make_anchor.py

With --official DIR it writes the same network as a model folder of the official kind instead (what
training/export_official_scar.py makes of a real checkpoint), for bench/official.bench.js: DIR/model.onnx with
inputs instruction_input_ids, instruction_attention_mask, answer_input_ids, answer_attention_mask and output
score, a BERT-style WordPiece tokenizer.json of 30522 entries (training/wordpiece_tokenizer.py) and
scar-model.json (max length 512). Random weights: its scores mean nothing; its speed is that of scar-gte-base.
"""
import json
import math
import os
import sys

import torch
from torch import nn

VOCAB, POSITIONS, LAYERS, HIDDEN, HEADS, FFN = 30522, 512, 12, 768, 12, 3072


class SelfAttention(nn.Module):
    def __init__(self):
        super().__init__()
        self.qkv = nn.Linear(HIDDEN, 3 * HIDDEN)
        self.out = nn.Linear(HIDDEN, HIDDEN)

    def forward(self, x, bias):
        b, l, _ = x.shape
        q, k, v = self.qkv(x).view(b, l, 3, HEADS, HIDDEN // HEADS).permute(2, 0, 3, 1, 4)
        att = torch.softmax(q @ k.transpose(-1, -2) / math.sqrt(HIDDEN // HEADS) + bias, dim=-1)
        return self.out((att @ v).transpose(1, 2).reshape(b, l, HIDDEN))


class Layer(nn.Module):
    def __init__(self):
        super().__init__()
        self.att = SelfAttention()
        self.ln1 = nn.LayerNorm(HIDDEN)
        self.ff = nn.Sequential(nn.Linear(HIDDEN, FFN), nn.GELU(), nn.Linear(FFN, HIDDEN))
        self.ln2 = nn.LayerNorm(HIDDEN)

    def forward(self, x, bias):
        x = self.ln1(x + self.att(x, bias))
        return self.ln2(x + self.ff(x))


class Encoder(nn.Module):
    def __init__(self):
        super().__init__()
        self.tok = nn.Embedding(VOCAB, HIDDEN)
        self.pos = nn.Embedding(POSITIONS, HIDDEN)
        self.typ = nn.Embedding(2, HIDDEN)
        self.ln = nn.LayerNorm(HIDDEN)
        self.layers = nn.ModuleList([Layer() for _ in range(LAYERS)])
        self.pool = nn.Linear(HIDDEN, HIDDEN)

    def forward(self, ids, mask):
        l = ids.shape[1]
        pos = torch.arange(l, device=ids.device).unsqueeze(0)
        x = self.ln(self.tok(ids) + self.pos(pos) + self.typ(torch.zeros_like(ids)))
        bias = (1.0 - mask[:, None, None, :].float()) * -1e4
        for layer in self.layers:
            x = layer(x, bias)
        pooled = torch.tanh(self.pool(x[:, 0]))
        return x, pooled


class ScarRanker(nn.Module):
    def __init__(self):
        super().__init__()
        self.encoder = Encoder()
        self.relation = nn.Sequential(nn.Linear(2 * HIDDEN, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, HIDDEN))
        self.head = nn.Sequential(nn.Linear(2 * HIDDEN, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 1))

    def forward(self, instruction_ids, instruction_mask, response_ids, response_mask):
        _, inst = self.encoder(instruction_ids, instruction_mask)
        states, resp = self.encoder(response_ids, response_mask)
        composition = self.relation(torch.cat([inst, resp], dim=-1))
        masked = states.masked_fill(response_mask[:, :, None] == 0, -1e4)
        presentation = masked.max(dim=1).values
        score = self.head(torch.cat([composition, presentation], dim=-1)).squeeze(-1)
        return score, composition.norm(dim=-1), presentation.norm(dim=-1)


class OfficialSignature(nn.Module):
    """The anchor with the official export's input and output names (score only)."""

    def __init__(self, ranker):
        super().__init__()
        self.ranker = ranker

    def forward(self, instruction_input_ids, instruction_attention_mask, answer_input_ids, answer_attention_mask):
        return self.ranker(instruction_input_ids, instruction_attention_mask, answer_input_ids, answer_attention_mask)[0]


def official(folder):
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', '..', 'training'))
    from wordpiece_tokenizer import repo_words, write_tokenizer
    os.makedirs(folder, exist_ok=True)
    write_tokenizer(folder, repo_words(), size=VOCAB)
    torch.manual_seed(2406)
    model = OfficialSignature(ScarRanker().eval()).eval()
    b, li, lr = 2, 8, 16
    example = (torch.randint(1, VOCAB, (b, li)), torch.ones(b, li, dtype=torch.long),
               torch.randint(1, VOCAB, (b, lr)), torch.ones(b, lr, dtype=torch.long))
    names = ['instruction_input_ids', 'instruction_attention_mask', 'answer_input_ids', 'answer_attention_mask']
    axes = {n: {0: 'batch', 1: n.split('_')[0] + '_length'} for n in names}
    axes['score'] = {0: 'batch'}
    out = os.path.join(folder, 'model.onnx')
    with torch.no_grad():
        torch.onnx.export(model, example, out + '.tmp', input_names=names, output_names=['score'], dynamic_axes=axes,
                          opset_version=14, do_constant_folding=True)
    os.replace(out + '.tmp', out)
    meta = {'kind': 'scar-official-onnx', 'name': 'bert-base-standin', 'id': 'bert-base-standin-seed2406',
            'onnx': 'model.onnx', 'maxLength': 512, 'padTokenId': 0,
            'source': 'random weights (bench/anchor/make_anchor.py --official): the size of scar-gte-base, not its scores',
            'license': 'MIT', 'variants': [{'file': 'model.onnx', 'precision': 'fp32'}],
            'description': 'BERT-base-sized stand-in with random weights, for benchmarks only.'}
    with open(os.path.join(folder, 'scar-model.json'), 'w') as f:
        json.dump(meta, f, indent=2)
    print(f'official-kind stand-in -> {folder} ({os.path.getsize(out) / 2**20:.0f} MiB)')


def main():
    if len(sys.argv) > 2 and sys.argv[1] == '--official':
        return official(sys.argv[2])
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', 'work', 'anchor.onnx')
    os.makedirs(os.path.dirname(os.path.abspath(out)), exist_ok=True)
    torch.manual_seed(2406)
    model = ScarRanker().eval()
    params = sum(p.numel() for p in model.parameters())
    b, li, lr = 2, 8, 16
    example = (torch.randint(1, VOCAB, (b, li)), torch.ones(b, li, dtype=torch.long),
               torch.randint(1, VOCAB, (b, lr)), torch.ones(b, lr, dtype=torch.long))
    names = ['instruction_ids', 'instruction_mask', 'response_ids', 'response_mask']
    axes = {n: {0: 'batch', 1: n.split('_')[0] + '_len'} for n in names}
    axes.update({n: {0: 'batch'} for n in ['score', 'composition_norm', 'presentation_norm']})
    tmp = out + '.tmp'
    with torch.no_grad():
        torch.onnx.export(model, example, tmp, input_names=names, output_names=['score', 'composition_norm', 'presentation_norm'],
                          dynamic_axes=axes, opset_version=14, do_constant_folding=True)
    os.replace(tmp, out)
    print(f'anchor: {params / 1e6:.1f} M parameters -> {out} ({os.path.getsize(out) / 2**20:.0f} MiB)')


if __name__ == '__main__':
    main()
