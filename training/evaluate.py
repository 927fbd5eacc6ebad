"""Validation of the shipped ranker against two baselines trained on the same split, written as one table into
models/MODEL_CARD.md (between the validation-table markers). Called by train.py; reads training/work/.

Rows: per source, pairwise accuracy (LLM response scored above the human one) on the TEST split; the same on
length-matched pairs (token counts within 30% of each other); rewrite/continuation-over-human rows where the data
has them; and out-of-domain files read from ../shared/data (never trained on, not shipped).

For experiments, val_report() compares a candidate with the shipped run and the baselines on the VALIDATION split
only (no test figure is computed), so that a variant is chosen without looking at test:
    /usr/bin/python3 training/evaluate.py --split val --scores DIR/torch_scores.f32 [--dump DUMPDIR]"""
import json
import os

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
WORK = os.path.join(HERE, 'work')
CARD = os.path.join(ROOT, 'models', 'MODEL_CARD.md')
START = '<!-- validation-table:start (written by training/evaluate.py) -->'
END = '<!-- validation-table:end -->'

LABELS = {
    'scar_open': 'SCAR open-domain (GPT-3.5-turbo vs human)',
    'm4_llama2': 'M4 arXiv/Reddit/wikiHow/Wikipedia (Llama-2-70b-chat)',
    'mgtbench_truthfulqa': 'MGTBench TruthfulQA (ChatGPT)',
    'oasst': 'OASST1 English (gpt-3.5-turbo)',
    'pubmedqa': 'PubMedQA (gpt-4, gpt-3.5-turbo)',
    'writingprompts_xsum': 'WritingPrompts/XSum continuations, rewrite over human (gpt-4, gpt-3.5-turbo)',
    'hanna_stories': 'HANNA stories (Mistral-7b, Beluga-13b, Platypus2-70b)',
    'classeval': 'Code: ClassEval Python classes, raw (gpt-4, gpt-4-turbo, gpt-3.5-turbo x2, gemini-pro)',
    'classeval_stripped': 'Code: ClassEval, stripped view (fences and docstrings removed from both sides)',
    'classeval_methods': 'Code: ClassEval method completions (prompt: signature and docstring; completion: the body)',
    'hc3_eli5': 'OOD: HC3 ELI5 (ChatGPT), not trained on',
    'hppt_polish': 'OOD: HPPT abstracts, ChatGPT polish over human',
    'mixset_rewrites': 'OOD: MixSet, GPT-4/Llama-2 rewrites and polishes over human',
}


def is_view(p):
    """Whether a pair is a view of a ClassEval pair (the same solutions stripped, or cut into method completions):
    rows of their own, left out of the per-language rows and of the correlation with length, which count each human
    answer once. dump-features.js writes the flag from pairs.js isView, the one definition."""
    if 'view' not in p:
        raise SystemExit('this features dump has no "view" flag on its pairs (an older dump-features.js wrote it): '
                         'run node training/dump-features.js again')
    return p['view']


def pair_acc(scores, pairs):
    if not pairs:
        return float('nan')
    d = np.array([scores[p['l']] - scores[p['h']] for p in pairs])
    return float(((d > 0).sum() + 0.5 * (d == 0).sum()) / len(d))


def ranks(x):
    from scipy.stats import rankdata
    return rankdata(np.asarray(x, dtype=np.float64))


def spearman(a, b):
    if len(a) < 3:
        return float('nan')
    return float(np.corrcoef(ranks(a), ranks(b))[0, 1])


def partial_spearman(score, label, length):
    """Rank correlation of score and label with length partialled out: the Pearson correlation of the rank
    residuals after a linear fit on the rank of length."""
    rs, ry, rl = ranks(score), ranks(label), ranks(length)
    X = np.c_[np.ones_like(rl), rl]
    res = lambda v: v - X @ np.linalg.lstsq(X, v, rcond=None)[0]
    a, b = res(rs), res(ry)
    if a.std() == 0 or b.std() == 0:
        return 0.0
    return float(np.corrcoef(a, b)[0, 1])


def response_rows(pairs):
    """(row, label 1 = LLM side / 0 = human side) of a set of pairs, each row once."""
    seen = {}
    for p in pairs:
        seen.setdefault(p['h'], 0)
        seen[p['l']] = 1
    return list(seen.items())


def beyond_length(scores, pairs, lengths):
    rl = response_rows(pairs)
    rows = np.array([r for r, _ in rl])
    return partial_spearman(np.asarray(scores)[rows], np.array([y for _, y in rl]), lengths[rows])


def human_length_corr(scores, pairs, lengths):
    rows = sorted({p['h'] for p in pairs})
    return spearman(np.asarray(scores)[rows], lengths[rows])


def ranker1_scores(meta, work):
    """Scores of the previous ranker (scar-lens-ranker-1.0) for every row of the dump, when train.sh made them."""
    path = os.path.join(work, 'ranker1_scores.f32')
    if not os.path.exists(path):
        return None
    s = np.fromfile(path, dtype=np.float32)
    return s if len(s) == meta['rows'] else None


def length_matched(p):
    a, b = p['hw'], p['lw']
    return max(a, b) > 0 and min(a, b) >= 0.7 * max(a, b)


def row_lengths(meta):
    n = np.zeros(meta['rows'], dtype=np.float64)
    for p in meta['pairs']:
        n[p['h']] = p['hw']
        n[p['l']] = p['lw']
    return n


def length_baseline(meta):
    """Score = +-log(1 + response tokens); the sign that wins on the train split."""
    logn = np.log1p(row_lengths(meta))
    tr = [p for p in meta['pairs'] if p['split'] == 'train']
    sign = 1.0 if pair_acc(logn, tr) >= 0.5 else -1.0
    return sign * logn


def lr_baseline(meta, arrays, work=WORK):
    """Logistic regression over hashed word 1-2-grams + char 3-5-grams + the same style features, trained
    pairwise on feature differences (LLM minus human = 1, human minus LLM = 0); C chosen on val. Trained on the
    'train' split only (never on the train-only tier pairs)."""
    texts = [json.loads(l) for l in open(os.path.join(work, 'rows.texts.jsonl'), encoding='utf8') if l.strip()]
    words = HashingVectorizer(analyzer='word', ngram_range=(1, 2), n_features=2 ** 18, alternate_sign=False, lowercase=True)
    chars = HashingVectorizer(analyzer='char_wb', ngram_range=(3, 5), n_features=2 ** 18, alternate_sign=False, lowercase=True)
    style = np.hstack([arrays['presentation_features'], arrays['composition_features']])
    X = sparse.hstack([words.transform(texts), chars.transform(texts), sparse.csr_matrix(style)]).tocsr()
    tr = [p for p in meta['pairs'] if p['split'] == 'train']
    va = [p for p in meta['pairs'] if p['split'] == 'val']
    D = X[[p['l'] for p in tr]] - X[[p['h'] for p in tr]]
    w = np.array([p['weight'] for p in tr])
    Xt = sparse.vstack([D, -D]).tocsr()
    yt = np.r_[np.ones(len(tr)), np.zeros(len(tr))]
    wt = np.r_[w, w]
    best = None
    for C in (0.1, 1.0, 10.0):
        clf = LogisticRegression(C=C, fit_intercept=False, max_iter=2000, solver='liblinear')
        clf.fit(Xt, yt, sample_weight=wt)
        s = X @ clf.coef_.ravel()
        acc = np.mean([pair_acc(s, [p for p in va if p['source'] == src]) for src in sorted({p['source'] for p in va})])
        print(f'  LR baseline C={C}: val mean per-source accuracy {acc:.4f}')
        if best is None or acc > best[0]:
            best = (acc, C, s)
    return best[2], best[1]


def fmt(acc, n):
    return '–' if n == 0 else f'{acc:.3f}'


OOD_SOURCES = ('hc3_eli5', 'hppt_polish', 'mixset_rewrites')


def table_rows(meta, cols, split_of):
    """Rows of the table: per source (all pairs, length-matched), then code pairs per programming language over
    every in-domain source (raw views only), for the pairs split_of(source) selects."""
    sources = []
    for p in meta['pairs']:
        if p['source'] not in sources and p['split'] != 'tier':
            sources.append(p['source'])
    rows = []
    def add(label, key, ps):
        for variant, sel in (('all pairs', ps), ('length-matched', [p for p in ps if length_matched(p)])):
            rows.append({'source': key, 'label': label, 'variant': variant, 'n': len(sel),
                         **{name: pair_acc(sc, sel) for name, sc in cols}})
    for src in sources:
        add(LABELS.get(src, src), src, [p for p in meta['pairs'] if p['source'] == src and p['split'] == split_of(src)])
    langs = sorted({p.get('lang', 'none') for p in meta['pairs']} - {'none'})
    for lang in langs:
        ps = [p for p in meta['pairs'] if p.get('lang') == lang and p['split'] == split_of(p['source'])
              and p['source'] not in OOD_SOURCES and not is_view(p)]
        if ps:
            srcs = sorted({p['source'] for p in ps})
            add(f'Code pairs in {lang} (language detected or labelled; {", ".join(srcs)})', f'lang:{lang}', ps)
    return rows


def main(meta, arrays, model_scores, info, work=WORK, card=CARD, out_dir=None):
    """The test/OOD table. Written into `card` (None: not written) and eval.json into `out_dir` (default `work`)."""
    print('baselines ...', flush=True)
    length = length_baseline(meta)
    lr, lr_c = cached_lr(meta, arrays, work)
    r1 = ranker1_scores(meta, work)
    cols = [('model', model_scores)] + ([('ranker1', r1)] if r1 is not None else []) + [('length', length), ('lr', lr)]
    rows = table_rows(meta, cols, lambda src: 'ood' if src in OOD_SOURCES else 'test')
    lines = [
        '| data (test split unless OOD) | pairs | n | shipped model (2.0) |' + (' ranker 1.0 |' if r1 is not None else '') + ' length alone | LR n-grams + style |',
        '|---|---|---:|---:|' + ('---:|' if r1 is not None else '') + '---:|---:|',
    ]
    r1cell = (lambda r: f" {fmt(r['ranker1'], r['n'])} |") if r1 is not None else (lambda r: '')
    unbeaten = []
    ceiling = []
    for r in rows:
        beat = r['n'] > 0 and r['model'] > r['length'] and r['model'] > r['lr']
        # Every pair right for the model and a baseline: nothing left to beat, a tie at the ceiling.
        tie = r['n'] > 0 and not beat and r['model'] == 1.0 and r['model'] >= r['length'] and r['model'] >= r['lr']
        if tie:
            ceiling.append(f"{r['label']} / {r['variant']}")
        elif r['n'] > 0 and not beat:
            unbeaten.append(f"{r['label']} / {r['variant']}")
        mark = ' (tie at 1.000)' if tie else '' if beat or r['n'] == 0 else ' (NOT beaten)'
        lines.append(f"| {r['label']} | {r['variant']} | {r['n']} | **{fmt(r['model'], r['n'])}**{mark} |{r1cell(r)} {fmt(r['length'], r['n'])} | {fmt(r['lr'], r['n'])} |")
    test_pairs = [p for p in meta['pairs'] if p['split'] == 'test']
    train_n = sum(1 for p in meta['pairs'] if p['split'] == 'train')
    val_n = sum(1 for p in meta['pairs'] if p['split'] == 'val')
    summary = {name: pair_acc(sc, test_pairs) for name, sc in cols}
    lines.append(f"| all in-domain test pairs | all pairs | {len(test_pairs)} | **{summary['model']:.3f}** |"
                 + (f" {summary['ranker1']:.3f} |" if r1 is not None else '') + f" {summary['length']:.3f} | {summary['lr']:.3f} |")
    lengths = row_lengths(meta)
    beyond = {name: beyond_length(sc, test_pairs, lengths) for name, sc in cols}
    lines.append(f"| beyond length: partial Spearman of score and LLM side, length partialled out, all in-domain test responses | responses | {len(response_rows(test_pairs))} | **{beyond['model']:.3f}** |"
                 + (f" {beyond['ranker1']:.3f} |" if r1 is not None else '') + f" {beyond['length']:.3f} | {beyond['lr']:.3f} |")
    held = [p for p in meta['pairs'] if p['split'] in ('val', 'test', 'ood') and not is_view(p)]
    lencorr = {name: human_length_corr(sc, held, lengths) for name, sc in cols}
    notes = [
        '',
        f'Pairwise accuracy: the share of pairs whose LLM response scores above the human response (ties count a half). '
        f'Length-matched: the two responses\' token counts are within 30% of each other. Split by prompt (80/10/10, seeded; '
        f'code pairs by task): {train_n} train, {val_n} val, {len(test_pairs)} test pairs (the ClassEval pairs count twice, raw and '
        f'stripped, and their methods once each in the method-completion rows). LR baseline: C = {lr_c} chosen on val. '
        f"Shipped model: the network's best epoch {info['best_epoch']} of {info['epochs_run']}"
        + (f" (val mean per-source accuracy {info['network_val_accuracy']:.3f} alone), plus the wide path (C = {info['wide']['C']}, "
           f"weight {info['wide']['weight']}) chosen on val" if info.get('wide', {}).get('C') is not None else '')
        + f"; val mean per-source accuracy {info['val_accuracy']:.3f}. "
        'The ranker 1.0 column is the previous bundled model (its own featuriser, from the commit that shipped it) on the same pairs; '
        'it never saw the code pairs.',
        '',
        f"**Correlation with length.** Spearman correlation of the score with the response's length in tokens, over the "
        f"{len({p['h'] for p in held})} human responses of the held-out pairs (val, test and out-of-domain): shipped model "
        f"**{lencorr['model']:.3f}**" + (f", ranker 1.0 {lencorr['ranker1']:.3f}" if r1 is not None else '')
        + f", LR baseline {lencorr['lr']:.3f} (length alone: 1 by construction).",
    ]
    notes.append('')
    if unbeaten:
        notes.append(f'Rows where the shipped model does NOT beat both baselines ({len(unbeaten)}): ' + '; '.join(unbeaten) + '.')
    else:
        notes.append('The shipped model beats both baselines on every row that is not already at 1.000.')
    if ceiling:
        notes.append('')
        notes.append(f'Rows where the model and a baseline both rank every pair right, so neither can be beaten ({len(ceiling)}): '
                     + '; '.join(ceiling) + '.')
    table = '\n'.join(lines + notes)
    print(table)
    json.dump({'rows': rows, 'summary': summary, 'beyond_length': beyond, 'human_length_spearman': lencorr, 'lr_C': lr_c,
               'unbeaten': unbeaten, 'ceiling': ceiling}, open(os.path.join(out_dir or work, 'eval.json'), 'w'), indent=1)
    if card and os.path.exists(card):
        text = open(card, encoding='utf8').read()
        if START in text and END in text:
            head, rest = text.split(START, 1)
            _, tail = rest.split(END, 1)
            open(card, 'w', encoding='utf8').write(head + START + '\n' + table + '\n' + END + tail)
            print(f'wrote the table into {os.path.relpath(card, ROOT)}')
        else:
            print(f'{card} has no validation-table markers; table not written')


def cached_lr(meta, arrays, work):
    """The LR baseline's scores of every row of a dump and its C, computed once per dump and kept in it
    (lr_scores.npy, lr_C.json)."""
    path = os.path.join(work, 'lr_scores.npy')
    cpath = os.path.join(work, 'lr_C.json')
    meta_time = os.path.getmtime(os.path.join(work, 'meta.json'))
    if os.path.exists(path) and os.path.exists(cpath) and os.path.getmtime(path) >= meta_time:
        return np.load(path), json.load(open(cpath))['C']
    s, c = lr_baseline(meta, arrays, work)
    np.save(path, s)
    json.dump({'C': c}, open(cpath, 'w'))
    return s, c


def cached_lr_scores(meta, arrays, work):
    return cached_lr(meta, arrays, work)[0]


def correct(scores, p):
    """1 when the LLM response scores above the human one, a half for a tie, else 0."""
    d = scores[p['l']] - scores[p['h']]
    return 1.0 if d > 0 else 0.5 if d == 0 else 0.0


def val_report(meta, arrays, model_scores, work=WORK, out=None, ref_scores=None):
    """Validation split only: per source (and per programming language of the code pairs), the pairwise accuracy
    on all pairs and on length-matched pairs, the mean per-source accuracy, the number of val pairs ranked right,
    the beyond-length partial correlation and the human responses' correlation with length, for the candidate, a
    reference run (by default the last full run's scores in training/work/torch_scores.f32, when its dump has the
    same val pairs), ranker 1.0 (when scored), the length baseline and the LR baseline. Prints it, writes it as
    JSON to `out` when given."""
    va = [p for p in meta['pairs'] if p['split'] == 'val']
    cols = [('candidate', model_scores)]
    if ref_scores is None:
        ref_path = os.path.join(WORK, 'torch_scores.f32')
        ref_meta_path = os.path.join(WORK, 'meta.json')
        if os.path.exists(ref_path) and os.path.exists(ref_meta_path) and os.path.abspath(work) != os.path.abspath(WORK):
            ref_meta = json.load(open(ref_meta_path))
            ref_va = [(p['h'], p['l'], p['source']) for p in ref_meta['pairs'] if p['split'] == 'val']
            if ref_va == [(p['h'], p['l'], p['source']) for p in va]:
                ref_scores = np.fromfile(ref_path, dtype=np.float32).reshape(-1, 3)[:, 0]
            else:
                print('(training/work is another dump: no reference column)')
    if ref_scores is not None:
        cols.append(('shipped', ref_scores))
    r1 = ranker1_scores(meta, work)
    if r1 is not None:
        cols.append(('ranker1', r1))
    cols += [('length', length_baseline(meta)), ('lr', cached_lr_scores(meta, arrays, work))]
    rows = table_rows(meta, cols, lambda src: 'val')
    rows = [r for r in rows if r['n'] > 0]
    lengths = row_lengths(meta)
    summary = {name: {'mean_per_source': float(np.mean([r[name] for r in rows if r['variant'] == 'all pairs' and not r['source'].startswith('lang:')])),
                      'right': float(sum(correct(sc, p) for p in va)), 'n': len(va),
                      'beyond_length': beyond_length(sc, va, lengths),
                      'human_length_spearman': human_length_corr(sc, [p for p in va if not is_view(p)], lengths)}
               for name, sc in cols}
    names = [name for name, _ in cols]
    print('VALIDATION split only')
    print(f"{'source':28} {'pairs':15} {'n':>4} " + ' '.join(f'{n:>9}' for n in names))
    for r in rows:
        print(f"{r['source'][:28]:28} {r['variant']:15} {r['n']:>4} " + ' '.join(f'{r[n]:9.3f}' for n in names))
    print(f"{'mean per-source (all)':44} {'':>4} " + ' '.join(f"{summary[n]['mean_per_source']:9.4f}" for n in names))
    print(f"{'val pairs right':44} {len(va):>4} " + ' '.join(f"{summary[n]['right']:9.1f}" for n in names))
    print(f"{'beyond length (partial Spearman)':44} {'':>4} " + ' '.join(f"{summary[n]['beyond_length']:9.3f}" for n in names))
    print(f"{'human responses: Spearman with length':44} {'':>4} " + ' '.join(f"{summary[n]['human_length_spearman']:9.3f}" for n in names))
    report = {'rows': rows, 'summary': summary}
    if out:
        json.dump(report, open(out, 'w'), indent=1)
    return report


if __name__ == '__main__':
    import argparse
    import sys
    sys.path.insert(0, HERE)
    from train import load_dump
    ap = argparse.ArgumentParser()
    ap.add_argument('--split', choices=['test', 'val'], default='test',
                    help='test: the model card table (writes MODEL_CARD.md); val: the validation-only report')
    ap.add_argument('--dump', default=WORK, help='the features dump (default training/work)')
    ap.add_argument('--scores', default=None, help='the run\'s torch_scores.f32 (default DUMP/torch_scores.f32)')
    ap.add_argument('--no-card', action='store_true', help='print the test table and write eval.json beside the scores, '
                    'but leave models/MODEL_CARD.md alone (an experiment\'s one look at test)')
    a = ap.parse_args()
    meta, arrays = load_dump(a.dump)
    scores_path = a.scores or os.path.join(a.dump, 'torch_scores.f32')
    scores = np.fromfile(scores_path, dtype=np.float32).reshape(-1, 3)[:, 0]
    if a.split == 'val':
        val_report(meta, arrays, scores, a.dump)
    else:
        # Re-evaluate the last training run (scores saved by train.py), without retraining.
        run_dir = os.path.dirname(os.path.abspath(scores_path))
        main(meta, arrays, scores, json.load(open(os.path.join(run_dir, 'train_info.json'))), work=a.dump,
             card=None if a.no_card else CARD, out_dir=run_dir)
