/**
 * The build stage of every Dockerfile: `node --experimental-strip-types
 * infra/deploy/src/runtime-tree-cli.ts <workspace> <out dir>` compiles the workspace and what it
 * needs and writes the tree its runtime stage copies (then `npm ci --omit=dev` there).
 */
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildRuntimeTree } from './runtime-tree.ts';

const [workspace, outDir] = process.argv.slice(2);
if (!workspace || !outDir) {
  process.stderr.write('usage: runtime-tree-cli.ts <workspace, e.g. services/orders> <out dir>\n');
  process.exit(2);
}
const rootDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
const closure = buildRuntimeTree(rootDir, workspace, resolve(outDir));
process.stdout.write(`${workspace}: compiled ${closure.join(', ')} into ${outDir}\n`);
