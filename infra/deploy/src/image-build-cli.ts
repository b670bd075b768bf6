/**
 * The steps of the one Dockerfile, each given the image's workspace (`--build-arg WORKSPACE`):
 *   node --experimental-strip-types infra/deploy/src/image-build-cli.ts context <workspace> <out dir>
 *   node --experimental-strip-types infra/deploy/src/image-build-cli.ts install <workspace>
 *   node --experimental-strip-types infra/deploy/src/image-build-cli.ts runtime <workspace> <out dir>
 * `context` splits the build context into manifests and sources, `install` runs `npm ci` for the
 * workspace and those it needs, `runtime` compiles them and writes the tree the runtime stage copies
 * (then `npm ci --omit=dev` there).
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { installArgs, writeImageContext } from './image-context.ts';
import { buildRuntimeTree } from './runtime-tree.ts';
import { DEPLOYABLE_WORKSPACES, runtimeClosure } from './workspaces.ts';

const USAGE = `usage: image-build-cli.ts context|install|runtime <workspace: ${DEPLOYABLE_WORKSPACES.join(' | ')}> [<out dir>]\n`;
const [step, workspace, outDir] = process.argv.slice(2);
const deployable: readonly string[] = DEPLOYABLE_WORKSPACES;
if (!workspace || !deployable.includes(workspace)) {
  process.stderr.write(
    `WORKSPACE must be one of ${DEPLOYABLE_WORKSPACES.join(', ')}; got "${workspace ?? ''}"\n${USAGE}`,
  );
  process.exit(2);
}
const rootDir = resolve(fileURLToPath(new URL('.', import.meta.url)), '../../..');
if (step === 'install') {
  execFileSync('npm', installArgs(runtimeClosure(rootDir, workspace)), { cwd: rootDir, stdio: 'inherit' });
} else if ((step === 'context' || step === 'runtime') && outDir) {
  const write = step === 'context' ? writeImageContext : buildRuntimeTree;
  const closure = write(rootDir, workspace, resolve(outDir));
  process.stdout.write(`${workspace}: ${step} of ${closure.join(', ')} in ${outDir}\n`);
} else {
  process.stderr.write(USAGE);
  process.exit(2);
}
