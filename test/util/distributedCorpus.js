// A generated instruction/response corpus split into JSONL shards, for the distributed recipe's test and
// benchmark: English texts in several response styles (so scores spread), exact copies and near-duplicates
// planted ACROSS shards (an edited copy of an earlier line, 3-15% of its words changed), a few lines in German
// or French (removed by the language filter), lines that yield no pair, and blank lines. Deterministic per seed.
'use strict';
const fs = require('fs');
const path = require('path');
const { mulberry32 } = require('./prng.js');

const WORDS = ('time person year way day thing man world life hand part child eye woman place work week case point '
  + 'government company number group problem fact water room mother area money story month lot right study book job '
  + 'word business issue side kind head house service friend father power hour game line end member law car city '
  + 'community name president team minute idea kid body information back parent face others level office door health '
  + 'art war history party result change morning reason research girl guy moment air teacher force education file '
  + 'table value list data report model code system program question answer example method step order test output')
  .split(' ');
const VERBS = 'open write read build change check find keep start show explain compare sort clean update describe'.split(' ');
const FOREIGN = [
  { instruction: 'Wie kann ich eine Datei in Python öffnen und lesen?', output: 'Sie können die Funktion open verwenden und dann die Methode read aufrufen, um den gesamten Inhalt der Datei zu lesen.' },
  { instruction: 'Comment puis-je trier une liste de nombres en ordre décroissant ?', output: 'Vous pouvez utiliser la fonction sorted avec le paramètre reverse égal à vrai, ce qui renvoie une nouvelle liste triée.' },
];

function makeLine(rand, i) {
  const pick = (a) => a[Math.floor(rand() * a.length)];
  const words = (k) => Array.from({ length: k }, () => pick(WORDS)).join(' ');
  const verb = pick(VERBS);
  const instruction = `How do I ${verb} the ${pick(WORDS)} ${pick(WORDS)} in my ${pick(WORDS)} ${i % 7 === 0 ? 'quickly' : 'project'}?`;
  const n = 20 + Math.floor(rand() * 60);
  const styles = [
    () => `Sure! Here are the steps:\n\n1. **${verb}** the ${words(3)}.\n2. Check the ${words(n / 4)}.\n3. Then ${words(n / 2)}.`,
    () => `just ${verb} it and the ${words(n / 3)} lol`,
    () => `To ${verb} the ${pick(WORDS)}, you can use the following approach. First, ${words(n / 3)}; then, ${words(n / 3)}. Finally, ${words(n / 4)}.`,
    () => `${words(3)}? Ok. ${words(n / 5)}. Done.`,
    () => `## Summary\n\n- ${words(n / 4)}\n- ${words(n / 4)}\n\n\`\`\`python\nprint(${i})\n\`\`\``,
  ];
  return { instruction, input: '', output: styles[Math.floor(rand() * styles.length)]() };
}

/** An edited copy: `rate` of the response's words replaced or dropped. */
function nearCopy(rand, v, rate) {
  const w = v.output.split(' ');
  const out = [];
  for (const x of w) {
    const r = rand();
    if (r < rate / 2) continue;
    out.push(r < rate ? WORDS[Math.floor(rand() * WORDS.length)] : x);
  }
  return { ...v, output: out.join(' ') };
}

/**
 * Writes `shards` files shard-000.jsonl... into `dir` holding `lines` lines in all; returns the file paths.
 * Every shard ends with a newline.
 */
function writeShardedCorpus(dir, { lines, shards, seed = 7 }) {
  const rand = mulberry32(seed);
  const values = [];
  const text = [];
  for (let i = 0; i < lines; i++) {
    const r = rand();
    let line;
    if (i > 20 && r < 0.10) {
      line = JSON.stringify(nearCopy(rand, values[Math.floor(rand() * values.length)], 0.03 + rand() * 0.12));
    } else if (i > 20 && r < 0.13) {
      line = JSON.stringify(values[Math.floor(rand() * values.length)]); // an exact copy, anywhere before
    } else if (r < 0.14) {
      line = JSON.stringify(FOREIGN[Math.floor(rand() * FOREIGN.length)]);
    } else if (r < 0.15) {
      line = i % 2 ? '{"instruction": "broken",' : '{"foo": 1}';
    } else if (r < 0.16) {
      line = '';
    } else {
      const v = makeLine(rand, i);
      values.push(v);
      line = JSON.stringify(v);
    }
    if (line.startsWith('{"instruction"') && !line.includes('broken')) {
      try { values.push(JSON.parse(line)); } catch { /* a problem line */ }
    }
    text.push(line);
  }
  fs.mkdirSync(dir, { recursive: true });
  const files = [];
  const per = Math.ceil(lines / shards);
  for (let s = 0; s < shards; s++) {
    const file = path.join(dir, `shard-${String(s).padStart(3, '0')}.jsonl`);
    const part = text.slice(s * per, (s + 1) * per);
    fs.writeFileSync(file, part.length ? part.join('\n') + '\n' : '');
    files.push(file);
  }
  return files;
}

module.exports = { writeShardedCorpus };
