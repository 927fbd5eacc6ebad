"""Step 3 of the pipeline: trains the ranker on the features dump-features.js wrote, exports models/ranker.onnx,
trains and evaluates the two baselines on the same split, and writes the validation table into models/MODEL_CARD.md.

    /usr/bin/python3 training/train.py [--epochs N]

Experiments write nowhere near models/: `--dump DIR` reads another features dump (dump-features.js --work DIR) and
`--out DIR` puts ranker.onnx, the scores, train_info.json and a validation-only report (evaluate.py val_report) in
DIR, without the test table and without touching models/MODEL_CARD.md.

Seeded and deterministic on CPU (one thread)."""
import argparse
import io
import json
import math
import os
import random
import shutil
import sys
import tempfile
import time

import numpy as np
import onnx
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, 'work')
MODELS = os.path.join(ROOT, 'models')
INPUTS = ['instruction_ids', 'response_ids', 'response_ngrams', 'presentation_features', 'composition_features']
SEED = 13


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)
    # One intra-op thread: on a 2-core machine shared with other work, OpenMP threads that spin-wait on each
    # other slow training down several times; one thread is steady.
    torch.set_num_threads(int(os.environ.get('SCAR_TRAIN_THREADS', '1')))


def load_dump(work=WORK):
    meta = json.load(open(os.path.join(work, 'meta.json')))
    n = meta['rows']
    arrays = {}
    for name in INPUTS:
        w = meta['widths'][name]
        dtype = np.float32 if name.endswith('_features') else np.int32
        arrays[name] = np.fromfile(os.path.join(work, f'rows.{name}.bin'), dtype=dtype).reshape(n, w)
    return meta, arrays


class Ranker(nn.Module):
    """SCAR's ranker, small: word-vector token states, a relation network over the instruction and response
    representations (composition), a masked max-pool over the response's token states plus handcrafted style
    signals and a hashed n-gram bag (presentation), and two additive output MLP heads: score = composition +
    presentation, so each component is that head's exact contribution."""

    def __init__(self, emb_init, n_ids, n_ngrams, n_pres, n_comp, hidden=64, inner=128, bag=8, dropout=0.2, linear=False,
                 bag_head=False):
        super().__init__()
        dims = emb_init.shape[1]
        self.n_pres, self.n_comp = n_pres, n_comp
        self.emb = nn.Embedding(n_ids, dims, padding_idx=0, sparse=True)
        with torch.no_grad():
            self.emb.weight.normal_(0, 0.3)
            self.emb.weight[1:1 + emb_init.shape[0]][emb_init.any(axis=1)] = torch.from_numpy(emb_init[emb_init.any(axis=1)]) / 6.0
            self.emb.weight[0].zero_()
        self.token = nn.Linear(dims, hidden)
        self.ngram = nn.Embedding(n_ngrams, bag, padding_idx=0, sparse=True)
        with torch.no_grad():
            self.ngram.weight.normal_(0, 0.1)
            self.ngram.weight[0].zero_()
        self.relation = nn.Sequential(nn.Dropout(dropout), nn.Linear(4 * hidden + n_comp, inner), nn.ReLU(), nn.Linear(inner, hidden))
        self.form = nn.Sequential(nn.Dropout(dropout), nn.Linear(hidden + n_pres + bag, inner), nn.ReLU(), nn.Linear(inner, hidden))
        self.comp_head = nn.Sequential(nn.ReLU(), nn.Linear(hidden, inner // 2), nn.ReLU(), nn.Linear(inner // 2, 1))
        self.pres_head = nn.Sequential(nn.ReLU(), nn.Linear(hidden, inner // 2), nn.ReLU(), nn.Linear(inner // 2, 1))
        # The optional bag head: a linear map of the mean n-gram bag straight into the presentation component,
        # beside the MLP, trained jointly from zero (not from a fitted regression).
        self.bag_head = nn.Linear(bag, 1) if bag_head else None
        if bag_head:
            with torch.no_grad():
                self.bag_head.weight.zero_()
                self.bag_head.bias.zero_()
        # The optional linear path: a logistic regression's score over the same hashed n-grams (sum of bucket
        # weights / sqrt(ids in the row)) and style features, added to the two components (n-grams and
        # presentation features to presentation, composition features to composition). fit_linear_path sets it.
        self.linear = linear
        if linear:
            self.lin_ngram = nn.Embedding(n_ngrams, 1, padding_idx=0, sparse=True)
            self.lin_pres = nn.Linear(n_pres, 1, bias=False)
            self.lin_comp = nn.Linear(n_comp, 1, bias=False)
            with torch.no_grad():
                self.lin_ngram.weight.zero_()
                self.lin_pres.weight.zero_()
                self.lin_comp.weight.zero_()
        self.folded = None

    def fold(self):
        """For export: token(emb(ids)) == (emb.weight @ token.weight.T + token.bias)[ids], so the exported graph
        gathers pre-projected rows ([ids, hidden] instead of [ids, 100] + a matmul per token)."""
        with torch.no_grad():
            self.folded = nn.Parameter(self.emb.weight @ self.token.weight.T + self.token.bias, requires_grad=False)

    def states(self, ids):
        ids = ids.long()
        mask = (ids > 0).unsqueeze(-1).float()
        x = F.embedding(ids, self.folded) if self.folded is not None else self.token(self.emb(ids))
        return torch.tanh(x), mask

    @staticmethod
    def masked_mean(x, mask):
        return (x * mask).sum(1) / mask.sum(1).clamp(min=1.0)

    def embed(self, instruction_ids, response_ids, response_ngrams, presentation_features, composition_features):
        inst, im = self.states(instruction_ids)
        resp, rm = self.states(response_ids)
        iv = self.masked_mean(inst, im)
        rv = self.masked_mean(resp, rm)
        any_tok = (rm.sum(1) > 0).float()
        rmax = (resp * rm + (rm - 1.0) * 1e4).max(dim=1).values * any_tok
        g = response_ngrams.long()
        gm = (g > 0).unsqueeze(-1).float()
        bag = self.masked_mean(self.ngram(g), gm)
        comp = self.relation(torch.cat([iv, rv, iv * rv, (iv - rv).abs(), composition_features], dim=1))
        pres = self.form(torch.cat([rmax, presentation_features, bag], dim=1))
        self.last_bag = bag
        return comp, pres

    def heads(self, comp, pres, response_ngrams, presentation_features, composition_features, bag=None):
        """The two components from the two embeddings (plus the linear path and the bag head when there are)."""
        c = self.comp_head(comp).squeeze(-1)
        p = self.pres_head(pres).squeeze(-1)
        if self.bag_head is not None:
            p = p + self.bag_head(self.last_bag if bag is None else bag).squeeze(-1)
        if self.linear:
            g = response_ngrams.long()
            n = (g > 0).float().sum(1).clamp(min=1.0)
            c = c + self.lin_comp(composition_features).squeeze(-1)
            p = p + self.lin_ngram(g).squeeze(-1).sum(1) / n.sqrt() + self.lin_pres(presentation_features).squeeze(-1)
        return c, p

    def forward(self, instruction_ids, response_ids, response_ngrams, presentation_features, composition_features):
        comp, pres = self.embed(instruction_ids, response_ids, response_ngrams, presentation_features, composition_features)
        c, p = self.heads(comp, pres, response_ngrams, presentation_features, composition_features)
        return c + p, c, p


class InferenceGraph(nn.Module):
    """What ranker.onnx computes: the trained Ranker's function, with its per-id work done once at export.

    - Token states: tanh(projected word vector) depends on the token id alone, so the graph gathers rows of
      tanh(folded table); the padding row (id 0) is zero there, so masked sums need no mask multiply.
    - The n-gram bag (width `bag`) and the wide path's per-bucket weight are one table of bag + 1 columns: one
      gather and one sum per n-gram id instead of two gathers, a mask multiply and two sums. Row 0 (padding) is
      zero in both, so padding adds nothing.

    Same outputs as Ranker.forward up to float rounding (verify-onnx.js holds the exported graph to torch's scores);
    onnxruntime runs it in 0.56-0.58 of the time of the graph exported from Ranker.forward (CHANGELOG)."""

    def __init__(self, model):
        super().__init__()
        self.model = model
        self.bag = model.ngram.weight.shape[1]
        with torch.no_grad():
            folded = model.folded if model.folded is not None else model.emb.weight @ model.token.weight.T + model.token.bias
            states = torch.tanh(folded).clone()
            states[0] = 0.0
            columns = [model.ngram.weight]
            if model.linear:
                columns.append(model.lin_ngram.weight)
            table = torch.cat(columns, dim=1).clone()
            if table[0].abs().max().item() != 0.0:
                raise ValueError('the n-gram tables\' padding row (id 0) must be zero')
        self.register_buffer('token_states', states)
        self.register_buffer('ngram_table', table)

    def forward(self, instruction_ids, response_ids, response_ngrams, presentation_features, composition_features):
        m = self.model
        ii, ri, g = instruction_ids.long(), response_ids.long(), response_ngrams.long()
        inst = F.embedding(ii, self.token_states)  # padding rows are zero
        resp = F.embedding(ri, self.token_states)
        rmask = (ri > 0).float().unsqueeze(-1)
        rcount = rmask.sum(1)
        iv = inst.sum(1) / (ii > 0).float().sum(1, keepdim=True).clamp(min=1.0)
        rv = resp.sum(1) / rcount.clamp(min=1.0)
        rmax = (resp + (rmask - 1.0) * 1e4).max(dim=1).values * (rcount > 0).float()
        gcount = (g > 0).float().sum(1, keepdim=True).clamp(min=1.0)
        sums = F.embedding(g, self.ngram_table).sum(1)
        bag = sums[:, :self.bag] / gcount
        comp = m.relation(torch.cat([iv, rv, iv * rv, (iv - rv).abs(), composition_features], dim=1))
        pres = m.form(torch.cat([rmax, presentation_features, bag], dim=1))
        c = m.comp_head(comp).squeeze(-1)
        p = m.pres_head(pres).squeeze(-1)
        if m.bag_head is not None:
            p = p + m.bag_head(bag).squeeze(-1)
        if m.linear:
            c = c + m.lin_comp(composition_features).squeeze(-1)
            p = p + sums[:, self.bag] / gcount.squeeze(1).sqrt() + m.lin_pres(presentation_features).squeeze(-1)
        return c + p, c, p


def batch_of(arrays, rows):
    """The inputs of some rows, id sequences cut after the batch's last real (non-zero) column: padding is
    masked, so this changes no score, only the work."""
    out = []
    for name in INPUTS:
        a = arrays[name][rows]
        if not name.endswith('_features'):
            used = np.flatnonzero(a.any(axis=0))
            a = a[:, :max(1, used[-1] + 1 if len(used) else 1)]
        out.append(torch.from_numpy(np.ascontiguousarray(a)))
    return out


def score_rows(model, arrays, rows, bs=256):
    model.eval()
    out = np.zeros((len(rows), 3), dtype=np.float32)
    with torch.no_grad():
        for i in range(0, len(rows), bs):
            s, c, p = model(*batch_of(arrays, rows[i:i + bs]))
            out[i:i + bs] = torch.stack([s, c, p], 1).numpy()
    return out


def pair_accuracy(scores, pairs):
    """Pairwise accuracy: the LLM response above the human one (ties count a half)."""
    if not pairs:
        return float('nan')
    d = np.array([scores[p['l']] - scores[p['h']] for p in pairs])
    return float(((d > 0).sum() + 0.5 * (d == 0).sum()) / len(d))


def mean_source_accuracy(scores, pairs):
    by = {}
    for p in pairs:
        by.setdefault(p['source'], []).append(p)
    return float(np.mean([pair_accuracy(scores, ps) for ps in by.values()]))


def linear_regressions(meta, arrays, tr, va, n_buckets, grid=(0.1, 1.0, 10.0)):
    """Pairwise logistic regressions (LLM minus human = 1, human minus LLM = 0) on the train split over exactly the
    model's inputs: the response's n-gram ids as counts / sqrt(ids in the row), and the presentation and composition
    features; one per C of `grid`. Returns [(C, val mean per-source accuracy, coefficients, scores of every row)]."""
    from scipy import sparse as sp
    from sklearn.linear_model import LogisticRegression
    g = arrays['response_ngrams']
    n_rows = g.shape[0]
    rows, cols = np.nonzero(g)
    X = sp.csr_matrix((np.ones(len(rows)), (rows, g[rows, cols])), shape=(n_rows, n_buckets))
    X.sum_duplicates()
    X = sp.diags(1.0 / np.sqrt(np.maximum(np.asarray((g > 0).sum(1)).ravel(), 1))) @ X
    pf, cf = arrays['presentation_features'], arrays['composition_features']
    X = sp.hstack([X, sp.csr_matrix(np.hstack([pf, cf]).astype(np.float64))]).tocsr()
    D = X[[p['l'] for p in tr]] - X[[p['h'] for p in tr]]
    w = np.array([p['weight'] for p in tr])
    out = []
    for C in grid:
        clf = LogisticRegression(C=C, fit_intercept=False, max_iter=3000, solver='liblinear')
        clf.fit(sp.vstack([D, -D]).tocsr(), np.r_[np.ones(len(tr)), np.zeros(len(tr))], sample_weight=np.r_[w, w])
        s = X @ clf.coef_.ravel()
        acc = mean_source_accuracy(s, va)
        print(f'linear path C={C}: val mean per-source accuracy {acc:.4f}', flush=True)
        out.append((C, acc, clf.coef_.ravel().astype(np.float32), s))
    return out


def set_linear_path(model, coef):
    """Puts regression coefficients (n-gram buckets, then presentation, then composition features) into the
    model's linear path, creating it when the model has none."""
    n_buckets = model.ngram.weight.shape[0]
    n_pres, n_comp = model.n_pres, model.n_comp
    assert len(coef) == n_buckets + n_pres + n_comp, 'coefficients: n-gram buckets, presentation, composition'
    if not model.linear:
        model.linear = True
        model.lin_ngram = nn.Embedding(n_buckets, 1, padding_idx=0, sparse=True)
        model.lin_pres = nn.Linear(n_pres, 1, bias=False)
        model.lin_comp = nn.Linear(n_comp, 1, bias=False)
    with torch.no_grad():
        model.lin_ngram.weight[:, 0] = torch.from_numpy(coef[:n_buckets])
        model.lin_ngram.weight[0] = 0.0
        model.lin_pres.weight[0] = torch.from_numpy(coef[n_buckets:n_buckets + n_pres])
        model.lin_comp.weight[0] = torch.from_numpy(coef[n_buckets + n_pres:])
    for p_ in (model.lin_ngram.weight, model.lin_pres.weight, model.lin_comp.weight):
        p_.requires_grad_(False)


def fit_linear_path(model, meta, arrays, tr, va, scale, grid=(0.1, 1.0, 10.0)):
    """The frozen linear path trained beside the network (--linear, an experiment): the regression with the best C
    on val, its weights multiplied by `scale`: fitted on the train split, the regression ranks nearly every train
    pair right by a wide margin, and at full scale it would leave the network almost no ranking loss to learn from."""
    fits = linear_regressions(meta, arrays, tr, va, model.lin_ngram.weight.shape[0], grid)
    C, _, coef, _ = max(fits, key=lambda f: f[1])
    set_linear_path(model, coef * np.float32(scale))
    return C


def fit_wide_path(model, meta, arrays, net_scores, weights):
    """Wide and deep, after the network is trained: score = network + k * regression, where the regression is a
    pairwise logistic regression over the model's own inputs (linear_regressions) and k = weight * (spread of the
    network's train scores / spread of the regression's). C and the weight (0, the network alone, among them) are
    chosen on the val mean per-source accuracy, ties to more val pairs right, then to the smaller weight. The
    network is not retrained: the regression enters the graph as the linear path (n-grams and presentation
    features into presentation, composition features into composition), so score = composition + presentation
    still holds exactly. Returns what was chosen."""
    pairs = meta['pairs']
    tr = [p for p in pairs if p['split'] == 'train']
    va = [p for p in pairs if p['split'] == 'val']
    train_rows = sorted({r for p in tr for r in (p['h'], p['l'])})
    right = lambda s: int(sum(s[p['l']] > s[p['h']] for p in va))
    best = {'weight': 0.0, 'C': None, 'val_accuracy': mean_source_accuracy(net_scores, va), 'val_right': right(net_scores)}
    print(f"wide path: the network alone, val mean per-source accuracy {best['val_accuracy']:.4f} ({best['val_right']} right)", flush=True)
    chosen = None
    for C, _, coef, lin in linear_regressions(meta, arrays, tr, va, model.ngram.weight.shape[0]):
        ratio = float(np.std(net_scores[train_rows]) / max(np.std(lin[train_rows]), 1e-9))
        for wt in weights:
            s = net_scores + wt * ratio * lin
            acc, n_right = mean_source_accuracy(s, va), right(s)
            print(f'wide path C={C} weight {wt}: val mean per-source accuracy {acc:.4f} ({n_right} right)', flush=True)
            if (acc, n_right) > (best['val_accuracy'], best['val_right']):
                best = {'weight': wt, 'C': C, 'val_accuracy': acc, 'val_right': n_right, 'scale': wt * ratio}
                chosen = coef
    if chosen is not None:
        set_linear_path(model, chosen * np.float32(best['scale']))
    print(f"wide path chosen: weight {best['weight']}, C {best['C']}", flush=True)
    return best


def train(meta, arrays, args):
    seed_everything(args.seed)
    emb = json.load(open(os.path.join(WORK, 'embeddings.json')))
    emb_init = np.fromfile(os.path.join(WORK, 'embeddings.f32'), dtype=np.float32).reshape(emb['words'], emb['dims'])
    fcfg = json.load(open(os.path.join(MODELS, 'featuriser.json')))
    n_ids = 1 + emb['words'] + fcfg['oovBuckets']
    model = Ranker(emb_init, n_ids, fcfg['ngramBuckets'] + 1, meta['widths']['presentation_features'],
                   meta['widths']['composition_features'], hidden=args.hidden, bag=args.bag, dropout=args.dropout,
                   linear=args.linear, bag_head=args.bag_head)
    pairs = meta['pairs']
    tr = [p for p in pairs if p['split'] == 'train']
    # The train-only lower tier (dump-features.js --tier): the human reply is the preferred side there. As
    # (lower row, higher row, weight) for the loss; the tier never enters validation or the baselines.
    tier = [p for p in pairs if p['split'] == 'tier'] if args.tier_weight > 0 else []
    if args.tier_weight > 0 and not tier:
        sys.exit('--tier-weight needs a dump with tier pairs: node training/dump-features.js --tier [--work DIR]')
    def lo_hi(p):
        return (p['l'], p['h']) if p.get('better') == 'human' else (p['h'], p['l'])
    balance = source_balance(tr, args.balance)
    train_pairs = [(*lo_hi(p), p['weight'] * balance[p['source']], p['kind'] == 'referenced') for p in tr] + \
                  [(*lo_hi(p), p['weight'] * args.tier_weight, False) for p in tier]
    if tier:
        print(f'{len(tr)} train pairs + {len(tier)} tier pairs (weight {args.tier_weight})', flush=True)
    # Log response lengths (tokens) per row, for the length-decorrelation term.
    loglen = np.zeros(meta['rows'], dtype=np.float32)
    for p in pairs:
        loglen[p['h']] = math.log1p(p['hw'])
        loglen[p['l']] = math.log1p(p['lw'])
    va = [p for p in pairs if p['split'] == 'val']
    val_rows = sorted({r for p in va for r in (p['h'], p['l'])})
    val_index = {r: i for i, r in enumerate(val_rows)}

    # The two big tables get sparse gradients and SparseAdam (only the rows a batch touches are updated);
    # everything else AdamW with weight decay.
    if args.linear:
        fit_linear_path(model, meta, arrays, tr, va, args.linear_scale)
    # The linear path stays as the logistic regression fitted it (frozen): the network learns around it.
    frozen = ('lin_ngram.weight', 'lin_pres.weight', 'lin_comp.weight')
    for n_, p_ in model.named_parameters():
        if n_ in frozen:
            p_.requires_grad_(False)
    sparse = [model.emb.weight, model.ngram.weight]
    head = [p for n, p in model.named_parameters() if n.startswith('bag_head.')]
    dense = [p for n, p in model.named_parameters() if n not in ('emb.weight', 'ngram.weight') + frozen and not n.startswith('bag_head.')]
    groups = [{'params': dense, 'weight_decay': 0.01}]
    if head:
        groups.append({'params': head, 'weight_decay': args.bag_head_decay})
    opt = torch.optim.AdamW(groups, lr=args.lr)
    opt_sparse = torch.optim.SparseAdam(sparse, lr=args.lr * args.emb_lr_scale)
    steps_per_epoch = math.ceil(len(train_pairs) / args.batch)
    total = steps_per_epoch * args.epochs
    warm = max(1, int(0.1 * total))
    def lr_factor(step):  # linear warm-up over the first 10% of steps, then linear decay
        return (step + 1) / warm if step < warm else max(0.0, (total - step) / max(1, total - warm))
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lr_factor)
    sched_sparse = torch.optim.lr_scheduler.LambdaLR(opt_sparse, lr_factor)
    rank_loss = nn.MarginRankingLoss(margin=0.5, reduction='none')
    best, best_state, best_epoch, bad = -1.0, None, -1, 0
    # --ema D: an exponential moving average of the weights (decay D per step, from the initial weights) is what each
    # epoch validates and what is kept, instead of the weights of that step.
    ema = {k: v.detach().clone() for k, v in model.state_dict().items()} if args.ema > 0 else None
    rng = np.random.RandomState(args.seed)
    for epoch in range(args.epochs):
        model.train()
        order = rng.permutation(len(train_pairs))
        t0 = time.time()
        tot = 0.0
        for i in range(0, len(order), args.batch):
            bp = [train_pairs[j] for j in order[i:i + args.batch]]
            hs = [p[0] for p in bp]
            ls = [p[1] for p in bp]
            inputs = batch_of(arrays, np.array(hs + ls))
            comp, pres = model.embed(*inputs)
            c, p_ = model.heads(comp, pres, inputs[2], inputs[3], inputs[4])
            s = c + p_
            n = len(bp)
            w = torch.tensor([p[2] for p in bp], dtype=torch.float32)
            loss = (rank_loss(s[n:], s[:n], torch.ones(n)) * w).sum() / w.sum()
            if args.length_decor > 0:
                # Not length in disguise: within each side of the batch (the lower responses, the higher ones), the
                # squared correlation of the score with the log length is penalised, so that among human answers
                # (and among assistant answers) a longer one does not score higher for its length alone.
                L = torch.from_numpy(loglen[np.array(hs + ls)])
                pen = 0.0
                for side in (slice(0, n), slice(n, 2 * n)):
                    a = s[side] - s[side].mean()
                    b = L[side] - L[side].mean()
                    corr = (a * b).sum() / (a.norm() * b.norm() + 1e-6)
                    pen = pen + corr.pow(2)
                loss = loss + args.length_decor * pen / 2
            if args.bag_l2 > 0:
                # Weight decay for the sparse n-gram table (SparseAdam has none): an L2 penalty on the rows this
                # batch looks up.
                g = inputs[2].long()
                rows_used = torch.unique(g[g > 0])
                loss = loss + args.bag_l2 * model.ngram(rows_used).pow(2).sum(1).mean()
            # Disentangling, adapted to pairs (SCAR's triplets need three responses per instruction; none of our
            # instructions has them): for a referenced response (an LLM rewrite or continuation of the human text),
            # its composition embedding should stay close to the human one while its presentation moves apart.
            ref = torch.tensor([p[3] for p in bp])
            if ref.any():
                dc = (comp[n:][ref] - comp[:n][ref]).norm(dim=1)
                dp = (pres[n:][ref] - pres[:n][ref]).norm(dim=1)
                loss = loss + 0.1 * F.relu(dc - dp + 1.0).mean()
            opt.zero_grad()
            opt_sparse.zero_grad()
            loss.backward()
            nn.utils.clip_grad_norm_(dense, 1.0)
            opt.step()
            opt_sparse.step()
            sched.step()
            sched_sparse.step()
            tot += loss.item() * n
            if ema is not None:
                with torch.no_grad():
                    for k, v in model.state_dict().items():
                        if v.dtype.is_floating_point:
                            ema[k].mul_(args.ema).add_(v, alpha=1 - args.ema)
                        else:
                            ema[k].copy_(v)
        if ema is not None:
            raw = {k: v.clone() for k, v in model.state_dict().items()}
            model.load_state_dict(ema)
        sc = score_rows(model, arrays, np.array(val_rows))[:, 0]
        vs = {r: sc[val_index[r]] for r in val_rows}
        acc = mean_source_accuracy(vs, va)
        print(f'epoch {epoch + 1}: loss {tot / len(train_pairs):.4f}  val mean per-source accuracy {acc:.4f}  ({time.time() - t0:.1f}s)', flush=True)
        if acc > best:
            best, best_epoch, bad = acc, epoch + 1, 0
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        if ema is not None:
            model.load_state_dict(raw)
        if best_epoch != epoch + 1:
            bad += 1
            if bad >= args.patience:
                print(f'early stop after epoch {epoch + 1}')
                break
    model.load_state_dict(best_state)
    print(f'best epoch {best_epoch}, val accuracy {best:.4f}')
    return model, {'best_epoch': best_epoch, 'val_accuracy': best, 'epochs_run': epoch + 1}


def source_balance(train, power):
    """{source: loss factor}: (mean over sources of a source's total pair weight / this source's) ** power."""
    totals = {}
    for p in train:
        totals[p['source']] = totals.get(p['source'], 0.0) + p['weight']
    mean = sum(totals.values()) / len(totals)
    factors = {s: (mean / t) ** power for s, t in totals.items()}
    if power:
        print('source balance: ' + ', '.join(f'{s} x{f:.2f}' for s, f in sorted(factors.items())), flush=True)
    return factors


def export_onnx(model, arrays, path):
    model.eval()
    graph = InferenceGraph(model).eval()
    sample = batch_of(arrays, np.array([0, 1]))
    with torch.no_grad():
        # The exported function must be the trained one: checked here on the sample, and on every row by verify-onnx.js.
        for a, b in zip(model(*sample), graph(*sample)):
            if (a - b).abs().max().item() > 1e-4:
                raise ValueError(f'the inference graph differs from the trained model by {(a - b).abs().max().item():.2e}')
    dyn = {name: {0: 'batch', 1: f'{name}_len'} for name in INPUTS}
    for out in ['score', 'composition', 'presentation']:
        dyn[out] = {0: 'batch'}
    # Exported into memory (no file in models/ to write, read back and remove): save_with_external_data writes the files.
    buf = io.BytesIO()
    torch.onnx.export(graph, tuple(sample), buf, input_names=INPUTS, output_names=['score', 'composition', 'presentation'],
                      dynamic_axes=dyn, opset_version=13, do_constant_folding=True)
    save_with_external_data(onnx.load_model_from_string(buf.getvalue()), path)


def save_with_external_data(proto, path):
    """Writes the graph to `path` and its tensors over 1 KB to `path`.data (ONNX external data, named relative to
    the graph). onnxruntime then reads the weights straight from that file instead of parsing them out of the graph's
    protobuf: creating a session took about 7 ms instead of 90 ms beyond the runtime's own start. Both files are
    written in a fresh folder beside `path` (onnx appends to an existing data file) and renamed into place, the data
    first, so that an engine loading the model never reads half a file."""
    from onnx.external_data_helper import convert_model_to_external_data
    data_name = os.path.basename(path) + '.data'
    aside = tempfile.mkdtemp(prefix='.export-', dir=os.path.dirname(os.path.abspath(path)))
    try:
        convert_model_to_external_data(proto, all_tensors_to_one_file=True, location=data_name, size_threshold=1024)
        onnx.save_model(proto, os.path.join(aside, os.path.basename(path)))
        os.replace(os.path.join(aside, data_name), path + '.data')
        os.replace(os.path.join(aside, os.path.basename(path)), path)
    finally:
        shutil.rmtree(aside, ignore_errors=True)
    size = os.path.getsize(path) + os.path.getsize(path + '.data')
    print(f'exported {os.path.relpath(path, ROOT)} (+ {data_name}, {size / 1e6:.1f} MB)')


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--epochs', type=int, default=12)
    ap.add_argument('--patience', type=int, default=4)
    ap.add_argument('--batch', type=int, default=64)
    ap.add_argument('--lr', type=float, default=2e-3)
    ap.add_argument('--emb-lr-scale', type=float, default=0.5)
    ap.add_argument('--hidden', type=int, default=64)
    ap.add_argument('--dropout', type=float, default=0.2)
    ap.add_argument('--linear', action='store_true', help='add the frozen logistic-regression path (see fit_linear_path)')
    ap.add_argument('--linear-scale', type=float, default=0.3)
    ap.add_argument('--wide', type=float, nargs='*', default=[0.25, 0.5, 1.0, 2.0],
                    help='after training, the weights (relative to the network\'s spread) tried for the wide path, a '
                         'logistic regression over the model\'s inputs added to the network (see fit_wide_path); '
                         'chosen on val with 0 (the network alone); --wide with no value: none')
    ap.add_argument('--tier-weight', type=float, default=0.0,
                    help='loss weight of the train-only tier pairs (human reply over a weak fine-tune; needs dump-features.js --tier); 0 = not used')
    ap.add_argument('--bag', type=int, default=8, help='width of the hashed n-gram bag')
    ap.add_argument('--bag-head', action='store_true', help='also map the n-gram bag linearly into the presentation component (trained from zero)')
    ap.add_argument('--bag-head-decay', type=float, default=0.1, help='AdamW weight decay of the bag head')
    ap.add_argument('--bag-l2', type=float, default=0.0, help='L2 penalty on the n-gram table rows a batch uses')
    ap.add_argument('--length-decor', type=float, default=0.1,
                    help='weight of the penalty on the squared within-side correlation of score and log length (0.1, the shipped model; 0 = off)')
    ap.add_argument('--ema', type=float, default=0.995,
                    help='validate and keep an exponential moving average of the weights with this decay (0: off)')
    ap.add_argument('--balance', type=float, default=0.0,
                    help='weigh each train source by (mean source weight / its weight) ** BALANCE in the loss, so that '
                         'small sources count more (validation is a mean over sources); 0 = the pairs\' own weights')
    ap.add_argument('--seed', type=int, default=SEED)
    ap.add_argument('--dump', default=WORK, help='the features dump to train on (default training/work)')
    ap.add_argument('--out', default=MODELS, help='where ranker.onnx goes (default models/); any other folder is an '
                    'experiment: scores, train_info.json and a validation-only report go there too, and no test table is written')
    ap.add_argument('--no-eval', action='store_true')
    args = ap.parse_args()
    experiment = os.path.abspath(args.out) != os.path.abspath(MODELS)
    meta, arrays = load_dump(args.dump)
    model, info = train(meta, arrays, args)
    scores = score_rows(model, arrays, np.arange(meta['rows']))
    if args.wide and not args.linear:
        info['network_val_accuracy'] = info['val_accuracy']
        info['wide'] = fit_wide_path(model, meta, arrays, scores[:, 0], args.wide)
        info['val_accuracy'] = info['wide']['val_accuracy']
        scores = score_rows(model, arrays, np.arange(meta['rows']))
    model.fold()
    os.makedirs(args.out, exist_ok=True)
    export_onnx(model, arrays, os.path.join(args.out, 'ranker.onnx'))
    side = args.out if experiment else WORK
    scores.tofile(os.path.join(side, 'torch_scores.f32'))
    info['params'] = int(sum(p.numel() for p in model.parameters()))
    info['args'] = vars(args)
    info['tier_pairs'] = sum(1 for p in meta['pairs'] if p['split'] == 'tier') if args.tier_weight > 0 else 0
    json.dump(info, open(os.path.join(side, 'train_info.json'), 'w'), indent=1)
    if args.no_eval:
        return
    import evaluate
    if experiment:
        evaluate.val_report(meta, arrays, scores[:, 0], args.dump, os.path.join(args.out, 'val_report.json'))
    else:
        evaluate.main(meta, arrays, scores[:, 0], info, work=args.dump)


if __name__ == '__main__':
    sys.path.insert(0, HERE)
    main()
