/**
 * npm run codegen [-- --check]
 * Writes schemas/src/messages.generated.ts from schemas/*.avsc; with --check, exits 1 when the
 * file is out of date instead of writing it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { errorMessage, isConveyorError } from '../errors.ts';
import { renderMessageTypes } from './avro-to-typescript.ts';
import { MessageCatalog } from './message-catalog.ts';

function main(): number {
  let values: { schemas?: string; out?: string; check?: boolean };
  try {
    ({ values } = parseArgs({
      options: { schemas: { type: 'string' }, out: { type: 'string' }, check: { type: 'boolean' } },
    }));
  } catch (error) {
    console.error(`${errorMessage(error)}\nusage: codegen --schemas <dir> --out <file.ts> [--check]`);
    return 2;
  }
  if (!values.schemas) return usage('--schemas is required (the directory of .avsc files)');
  if (!values.out) return usage('--out is required (the TypeScript file to write)');
  const dir = resolve(values.schemas);
  const out = resolve(values.out);
  const catalog = MessageCatalog.fromDirectories(dir);
  const source = renderMessageTypes(catalog.schemas, `${relative(process.cwd(), dir) || '.'}/*.avsc`);
  if (values.check) {
    let current = '';
    try {
      current = readFileSync(out, 'utf8');
    } catch {
      // missing counts as out of date
    }
    if (current !== source) {
      console.error(`${out} is out of date with ${dir}: run npm run codegen`);
      return 1;
    }
    console.log(`${out} is up to date (${catalog.types.length} message types)`);
    return 0;
  }
  writeFileSync(out, source);
  console.log(`wrote ${out} (${catalog.types.length} message types)`);
  return 0;
}

function usage(message: string): number {
  console.error(`${message}\nusage: codegen --schemas <dir> --out <file.ts> [--check]`);
  return 2;
}

try {
  process.exitCode = main();
} catch (error) {
  console.error(isConveyorError(error) ? error.message : error);
  process.exitCode = 1;
}
