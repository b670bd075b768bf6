import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { readManifest } from './workspaces.ts';

/** One Dockerfile instruction, continuation lines joined. */
export interface Instruction {
  keyword: string;
  args: string;
}

/** The instructions of a Dockerfile in order (comments and the syntax directive left out). */
export function parseDockerfile(text: string): Instruction[] {
  const logical = text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  return logical
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .map((line) => {
      const [keyword = '', ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

/** The one Dockerfile at the repository root, which builds every image. */
export function readDockerfile(rootDir: string): Instruction[] {
  return parseDockerfile(readFileSync(join(rootDir, 'Dockerfile'), 'utf8'));
}

/** `KEY="value"` / `KEY=value` pairs of a LABEL or ENV instruction. */
export function pairs(args: string): Record<string, string> {
  const found: Record<string, string> = {};
  for (const match of args.matchAll(/([\w.-]+)=("([^"]*)"|\S+)/g)) {
    const [, key = '', raw = '', quoted] = match;
    found[key] = quoted ?? raw;
  }
  return found;
}

/** The image of a deployable workspace: `conveyor/<folder name>:<its package.json version>`. */
export function workspaceImage(rootDir: string, workspace: string): { name: string; version: string } {
  const { version } = readManifest(rootDir, workspace);
  if (typeof version !== 'string') throw new Error(`${workspace}/package.json has no "version"`);
  return { name: `conveyor/${basename(workspace)}`, version };
}

/** The base images of the stages, with `ARG` defaults substituted. */
export function baseImages(instructions: Instruction[]): string[] {
  const args: Record<string, string> = {};
  const images: string[] = [];
  for (const { keyword, args: text } of instructions) {
    if (keyword === 'ARG') Object.assign(args, pairs(text));
    if (keyword === 'FROM') {
      const [image = ''] = text.split(/\s+/);
      images.push(image.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, a, b) => args[a ?? b] ?? ''));
    }
  }
  return images;
}
