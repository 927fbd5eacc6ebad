// The editor benchmarks' dataset lines: Alpaca pairs in five response styles, made new by a salt (so neither the
// engine's caches nor an earlier run can answer them). Used inside the extension host and by the outer script,
// which writes the 100k-line files before VS Code starts, so that making them leaves no garbage in the host.
'use strict';

const styles = [
  (i) => `Sure! Here are the steps:\n\n1. **Open** the file.\n2. Edit entry ${i}.\n3. Save it.`,
  (i) => `just open it and change entry ${i} lol`,
  (i) => `To do this, read the file, update entry ${i}, and write it back. Finally, check the result.`,
  (i) => `Entry ${i}? Ok. Done.`,
  (i) => `## Summary\n\n- item ${i}\n- another item\n\n\`\`\`python\nprint(${i})\n\`\`\``,
];

/** n JSONL lines (no trailing newline characters) whose instructions carry `salt`. */
function benchLines(n, salt) {
  return Array.from({ length: n }, (_, i) => JSON.stringify({ instruction: `How do I change entry ${i} of the ${salt} settings?`, input: '', output: styles[i % styles.length](i) }));
}

module.exports = { benchLines };
