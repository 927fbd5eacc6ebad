import * as assert from 'node:assert/strict';
import { detectLanguage, isForeign, passesScarHeuristic, proseOf, scarAsciiLetterRatio } from '../../src/core/language';

describe("language: SCAR's ASCII-letter heuristic", () => {
  it('counts ASCII letters over non-whitespace code points', () => {
    assert.equal(scarAsciiLetterRatio('ab cd'), 1);
    assert.equal(scarAsciiLetterRatio('ab 12'), 0.5);
    assert.equal(scarAsciiLetterRatio('a\n\tb\u00a0c  d!'), 0.8);
    // an astral character (emoji) is one character, not two UTF-16 units
    assert.equal(scarAsciiLetterRatio('abc😀'), 0.75);
    assert.ok(Number.isNaN(scarAsciiLetterRatio(' \n ')));
  });

  it('passes more than 70% and fails at 70% or less', () => {
    assert.ok(passesScarHeuristic('Write a short poem about the sea.'));
    assert.ok(!passesScarHeuristic('abcdefg123')); // exactly 0.7
    assert.ok(passesScarHeuristic('abcdefgh12')); // 0.8
    assert.ok(!passesScarHeuristic('Напишите короткое стихотворение о море.'));
    assert.ok(!passesScarHeuristic('x = 3; y = 4; print(x * y)'), 'code fails SCAR\'s heuristic, as in SCAR');
    assert.ok(passesScarHeuristic('Schreibe ein kurzes Gedicht über das Meer.'), 'German passes SCAR\'s heuristic');
    assert.ok(passesScarHeuristic(''), 'blank text is left to the empty-response check');
  });
});

describe('language: detector', () => {
  const cases: Array<[string, string]> = [
    ['de', 'Schreibe eine kurze Geschichte über einen Hund, der im Park spielt und sehr glücklich ist.'],
    ['fr', 'Écrivez une courte histoire sur un chien qui joue dans le parc avec ses amis.'],
    ['es', 'Escribe una historia corta sobre un perro que juega en el parque con sus amigos.'],
    ['it', 'Scrivi una breve storia su un cane che gioca nel parco con i suoi amici.'],
    ['pt', 'Escreva uma história curta sobre um cachorro que brinca no parque com os amigos.'],
    ['nl', 'Schrijf een kort verhaal over een hond die in het park speelt met zijn vrienden.'],
    ['sv', 'Skriv en kort berättelse om en hund som leker i parken och är glad.'],
    ['pl', 'Napisz krótkie opowiadanie o psie, który bawi się w parku i jest bardzo szczęśliwy.'],
    ['tr', 'Parkta oynayan bir köpek hakkında kısa bir hikaye yaz ve çok güzel olsun.'],
    ['id', 'Tulis cerita pendek tentang anjing yang bermain di taman dengan senang.'],
    ['vi', 'Hãy viết một câu chuyện ngắn về một con chó đang chơi trong công viên.'],
    ['ru', 'Напишите короткий рассказ о собаке, которая играет в парке.'],
    ['uk', 'Напишіть коротку історію про собаку, яка грається в парку.'],
    ['zh', '写一个关于在公园里玩耍的狗的短篇故事。'],
    ['ja', '公園で遊ぶ犬についての短い物語を書いてください。'],
    ['ko', '공원에서 노는 개에 대한 짧은 이야기를 써 주세요.'],
    ['ar', 'اكتب قصة قصيرة عن كلب يلعب في الحديقة.'],
    ['fa', 'یک داستان کوتاه درباره سگی که در پارک بازی می‌کند بنویسید.'],
    ['el', 'Γράψε μια σύντομη ιστορία για ένα σκύλο που παίζει στο πάρκο.'],
    ['he', 'כתוב סיפור קצר על כלב שמשחק בפארק.'],
    ['hi', 'पार्क में खेलने वाले कुत्ते के बारे में एक छोटी कहानी लिखें।'],
    ['th', 'เขียนเรื่องสั้นเกี่ยวกับสุนัขที่เล่นในสวนสาธารณะ'],
  ];
  for (const [lang, text] of cases) {
    it(`detects ${lang}`, () => {
      const g = detectLanguage(text);
      assert.equal(g.language, lang, JSON.stringify(g));
      assert.ok(isForeign(g));
      assert.ok(g.confidence > 0.5 && g.confidence <= 1);
    });
  }

  it('detects English prose, long and short', () => {
    for (const text of [
      'Summarize this article about climate change in three sentences.',
      'What is the capital of France?',
      'Explain the difference between a process and a thread, with an example of each.',
      "It's a good idea to back up your files before you upgrade.",
    ]) {
      assert.equal(detectLanguage(text).language, 'en', text);
    }
  });

  it('never flags code, maths, numbers or tiny answers as another language', () => {
    const notForeign = [
      'Yes.',
      'Paris.',
      '42',
      'x = 3; y = 4; print(x * y)',
      'π ≈ 3.14159',
      'Compute $\\int_0^1 x^2 \\, dx$ and explain.',
      'Sure! Here is the code:\n```python\ndef somme(liste):\n    """Calcule la somme de la liste."""\n    return sum(liste)\n```',
      'Use `git commit --amend` to change the last commit message.',
      'See https://de.wikipedia.org/wiki/Die_Welt_ist_eine_Scheibe_und_der_Himmel for details.',
      'const der = die.das(und, ist); for (const ein of eine) { nicht(ein); }',
      "Translate 'Ich liebe dich' to English.",
      "What does 'c'est la vie' mean?",
      'The man was in Berlin when the war ended; he met his son there.',
      'In 1989 die Mauer fell.',
    ];
    for (const text of notForeign) {
      const g = detectLanguage(text);
      assert.ok(!isForeign(g), `${JSON.stringify(text)} -> ${g.language}`);
    }
  });

  it('answers und when there is nothing to judge', () => {
    assert.equal(detectLanguage('').language, 'und');
    assert.equal(detectLanguage('12345 !!! ???').language, 'und');
    assert.equal(detectLanguage('```\nfoo bar baz\n```').language, 'und');
    assert.ok(!isForeign(detectLanguage('')));
  });

  it('takes the dominant script: English with a few Chinese terms is English, Chinese with English terms is Chinese', () => {
    assert.equal(detectLanguage('In Mandarin, 你好 means hello and 谢谢 means thank you, which you will hear every day.').language, 'en');
    assert.equal(detectLanguage('使用Python的requests库发送HTTP请求，然后解析返回的JSON数据。').language, 'zh');
  });

  it('strips code blocks, inline code, maths, URLs, e-mail addresses and tags from the prose', () => {
    const p = proseOf('Hi\n```js\nlet x = 1;\n```\nand `y` $a+b$ $$\\sum$$ \\(c\\) \\[d\\] http://x.org/a mail@x.org <b>bold</b> end\nif (a) { b(); } else { c[d] = e; }');
    assert.ok(!/let|`|\$|\\|http|mail|<b>|else/.test(p), p);
    assert.ok(/Hi/.test(p) && /bold/.test(p) && /end/.test(p), p);
  });

  // About 35 us unloaded on the 2-core dev machine; the bound is loose because tests share the machine.
  it('is fast: under 2 ms for a 1,000-character text', () => {
    const text = 'The quick brown fox jumps over the lazy dog and then explains, in some detail, how the algorithm works. '.repeat(10);
    detectLanguage(text);
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < 500; i++) detectLanguage(text);
    const us = Number(process.hrtime.bigint() - t0) / 1e3 / 500;
    assert.ok(us < 2000, `${us.toFixed(1)} us a call`);
  });
});
