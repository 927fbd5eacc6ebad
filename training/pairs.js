// The training and evaluation pairs: which files, which LLMs count as the "better" side, and the seeded
// 80/10/10 split by prompt. Shared by build-featuriser.js and dump-features.js so both see the same split.
'use strict';
const fs = require('fs');
const path = require('path');
const { hashString, stripFencesAndDocstrings } = require('../out/core.js');
const { methodPairs } = require('./method-view');

const DATA_DIR = path.join(__dirname, 'data');
/**
 * Unlicensed or share-alike files, read from ../shared/data for evaluation only (never copied, never trained on):
 * the shared folder beside the clone, or beside the folder of worktrees a clone's worktree sits in.
 */
const OOD_DIR = [path.join(__dirname, '..', '..', 'shared', 'data', 'pairs'), path.join(__dirname, '..', '..', '..', 'shared', 'data', 'pairs')]
  .find((d) => fs.existsSync(d)) ?? path.join(__dirname, '..', '..', 'shared', 'data', 'pairs');

/** The files in training/data/ (MIT or Apache-2.0; see data/ATTRIBUTION.md), with a short source name. */
const TRAIN_FILES = {
  scar_open: 'scar_open_human_vs_gpt35.jsonl',
  m4_llama2: 'm4_llama2_human_vs_llm.jsonl',
  mgtbench_truthfulqa: 'mgtbench_truthfulqa_human_vs_chatgpt.jsonl',
  oasst: 'oasst_human_vs_llm.jsonl',
  pubmedqa: 'pubmedqa_human_vs_gpt.jsonl',
  writingprompts_xsum: 'writingprompts_xsum_human_vs_llm_continuations.jsonl',
  hanna_stories: 'hanna_stories_human_vs_llm.jsonl',
  classeval: 'classeval_human_vs_llm_code.jsonl',
};

/** Out-of-domain evaluation files (not shipped): all their pairs are evaluation pairs. */
const OOD_FILES = {
  hc3_eli5: 'hc3_eli5_human_vs_chatgpt.jsonl',
  hppt_polish: 'hppt_human_vs_chatgpt_polish.jsonl',
  mixset_rewrites: 'mixset_human_vs_llm_rewrites.jsonl',
};

/**
 * Strong instruction-tuned models are the "better" side SCAR learns from (GPT-4, GPT-4-turbo, GPT-3.5-turbo,
 * Llama-2-70b-chat, Gemini Pro, ...). Weak fine-tunes (LLaMA-1 QLoRA flan/chip2/unnatural-instructions), the base
 * model davinci, and the small code models of ClassEval (CodeLlama-13b-instruct, Magicoder-S-DS-6.7b) are left
 * out of the better side (see the data README).
 */
function isStrongModel(model) {
  return !/^qlora-|^davinci|codellama|magicoder/i.test(model);
}

/**
 * The stripped view of a code pair: markdown fences (and the prose outside them) and Python docstrings removed
 * from both sides, so that a ranker cannot separate the sides by fences and repeated skeleton docstrings alone.
 */
const STRIPPED_SUFFIX = '_stripped';

/**
 * The method-completion view of the strong models' code pairs (method-view.js): per method, the skeleton's
 * signature and docstring as the prompt and each side's body as the completion, the shape of function-completion
 * data. A source of its own, split with its task; each of its pairs weighs METHOD_VIEW_WEIGHT in the loss.
 */
const METHOD_VIEW_SOURCE = 'classeval_methods';
const METHOD_VIEW_WEIGHT = 0.1;

/** Whether a pair is a view of a ClassEval pair (stripped, or a method completion) rather than a pair of its own. */
const isView = (pair) => pair.source.endsWith(STRIPPED_SUFFIX) || pair.source === METHOD_VIEW_SOURCE;

const SPLIT_SEED = 'scar-lens-split-1';

/** 'train' | 'val' | 'test' for a group key (the instruction, or the human text when there is none). */
function splitOf(groupKey) {
  const h = hashString(SPLIT_SEED + '\u0000' + groupKey) % 100;
  return h < 80 ? 'train' : h < 90 ? 'val' : 'test';
}

function readJsonl(file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const out = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      out.push({ row: JSON.parse(line), line: i + 1 });
    } catch (e) {
      throw new Error(`${file}:${i + 1}: ${e.message}`);
    }
  });
  return out;
}

/**
 * Every pair, as { source, file, line, instruction, human, llm, model, kind, split, group, weight }.
 * kind: 'direct' or 'referenced' (a rewrite or continuation of the human text).
 * weight: MGTBench has three ChatGPT answers per one-sentence human answer, so each counts a third.
 */
function loadPairs({ includeOod = true } = {}) {
  const pairs = [];
  const add = (source, file, ood) => {
    for (const { row, line } of readJsonl(file)) {
      if (!ood && !isStrongModel(row.llm_model)) continue;
      if (row.lang && row.lang !== 'en' && source !== 'classeval') continue;
      const instruction = row.instruction ?? '';
      // Code pairs are split by task (ClassEval has 5 strong models' answers per task); the rest by prompt.
      const group = row.task_id ? `task:${row.task_id}` : instruction !== '' ? instruction : row.human;
      const pair = {
        source, file: path.basename(file), line, instruction, human: row.human, llm: row.llm, model: row.llm_model,
        kind: /referenced/.test(row.llm_kind) ? 'referenced' : 'direct',
        split: ood ? 'ood' : splitOf(group), group,
        weight: source === 'mgtbench_truthfulqa' ? 1 / 3 : 1,
        ...(row.lang && source === 'classeval' ? { codeLang: row.lang } : {}),
      };
      pairs.push(pair);
      if (source === 'classeval') {
        pairs.push({ ...pair, source: source + STRIPPED_SUFFIX, human: stripFencesAndDocstrings(row.human), llm: stripFencesAndDocstrings(row.llm) });
        for (const m of methodPairs(row, stripFencesAndDocstrings)) {
          pairs.push({ ...pair, source: METHOD_VIEW_SOURCE, instruction: m.instruction, human: m.human, llm: m.llm, weight: METHOD_VIEW_WEIGHT });
        }
      }
    }
  };
  for (const [source, name] of Object.entries(TRAIN_FILES)) add(source, path.join(DATA_DIR, name), false);
  if (includeOod) {
    for (const [source, name] of Object.entries(OOD_FILES)) {
      const file = path.join(OOD_DIR, name);
      if (fs.existsSync(file)) add(source, file, true);
    }
  }
  return pairs;
}

/**
 * The optional lower tier, for training only: OASST prompts of the TRAIN split (the same seeded split by prompt),
 * the human reply over a weak LLaMA-1 QLoRA fine-tune's answer to the same prompt (English prompts only). With the
 * strong-LLM pairs this teaches an order of three tiers: strong chat model > human assistant reply > weak
 * fine-tune. Returned as pairs of the same shape as loadPairs' with split 'tier' (never 'train', 'val' or 'test',
 * so no evaluation and no baseline sees them) and better: 'human' (the human side is the preferred one here).
 * loadPairs() never returns them and they change no other pair, nor the split.
 */
function loadTierPairs() {
  const pairs = [];
  const file = path.join(DATA_DIR, TRAIN_FILES.oasst);
  for (const { row, line } of readJsonl(file)) {
    if (!/^qlora-/i.test(row.llm_model)) continue;
    if (row.lang && row.lang !== 'en') continue;
    const instruction = row.instruction ?? '';
    const group = instruction !== '' ? instruction : row.human;
    if (splitOf(group) !== 'train') continue;
    pairs.push({
      source: 'oasst', file: path.basename(file), line, instruction, human: row.human, llm: row.llm, model: row.llm_model,
      kind: 'direct', split: 'tier', better: 'human', group, weight: 1,
    });
  }
  // ClassEval's small code models (CodeLlama-13b-instruct, Magicoder-S-DS-6.7b) on the train split's tasks, raw and
  // stripped: the human solution over theirs.
  const code = path.join(DATA_DIR, TRAIN_FILES.classeval);
  for (const { row, line } of readJsonl(code)) {
    if (isStrongModel(row.llm_model)) continue;
    const group = `task:${row.task_id}`;
    if (splitOf(group) !== 'train') continue;
    const pair = {
      source: 'classeval', file: path.basename(code), line, instruction: row.instruction ?? '', human: row.human, llm: row.llm,
      model: row.llm_model, kind: 'direct', split: 'tier', better: 'human', group, weight: 1, codeLang: row.lang,
    };
    pairs.push(pair, { ...pair, source: 'classeval' + STRIPPED_SUFFIX, human: stripFencesAndDocstrings(row.human), llm: stripFencesAndDocstrings(row.llm) });
  }
  return pairs;
}

module.exports = { loadPairs, loadTierPairs, splitOf, isStrongModel, isView, TRAIN_FILES, OOD_FILES, OOD_DIR };
