import { readFileSync, appendFileSync } from 'node:fs';
const [file, ...comment] = process.argv.slice(2);
const have = new Set([...readFileSync('rules/examples.yaml', 'utf8').matchAll(/^  - \{text: (".*?"), /gm)].map((m) => JSON.parse(m[1])));
const lines = [];
for (const l of readFileSync(file, 'utf8').split('\n').filter((x) => x.trim())) {
  const e = JSON.parse(l);
  e.flags = (e.flags ?? []).filter((f) => !f.startsWith('repeat.')); e.allow = (e.allow ?? []).filter((f) => !f.startsWith('repeat.'));
  const text = e.text.trim();
  if (have.has(text) || text.length > 500) continue;
  have.add(text);
  const parts = [`text: ${JSON.stringify(text)}`, `flags: [${e.flags.join(', ')}]`];
  if (e.allow.length) parts.push(`allow: [${e.allow.join(', ')}]`);
  lines.push(`  - {${parts.join(', ')}}`);
}
appendFileSync('rules/examples.yaml', `  # ${comment.join(' ')}\n${lines.join('\n')}\n`);
console.log('appended', lines.length);
