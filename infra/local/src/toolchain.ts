import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { InfraConfig } from './config.ts';
import { InfraError } from './errors.ts';
import { commandLine } from './processes.ts';

export interface RunResult {
  code: number;
  output: string;
}

/** Runs a command to completion, capturing stdout and stderr together. */
export function run(executable: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}) {
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn(executable, args, { cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
    child.on('error', reject);
    child.on('close', (code) => {
      if (timer) clearTimeout(timer);
      resolve({ code: code ?? 1, output });
    });
  });
}

const javaHint =
  'Install a JDK 17 or newer (Debian/Ubuntu: `apt-get install openjdk-17-jdk-headless`, macOS: `brew install openjdk@17`), ' +
  'or point KAFKA_BROKERS and SCHEMA_REGISTRY_URL at running servers.';
const mavenHint =
  'Install Apache Maven 3.8+ (Debian/Ubuntu: `apt-get install maven`, macOS: `brew install maven`); ' +
  'it fetches Kafka and the schema registry from Maven Central once.';

/** Fails with what to install when java is absent or older than 17. */
export async function requireJava(): Promise<string> {
  const java = process.env.JAVA_HOME ? `${process.env.JAVA_HOME}/bin/java` : 'java';
  let result: RunResult;
  try {
    result = await run(java, ['-version'], { timeoutMs: 20_000 });
  } catch {
    throw new InfraError('INFRA_TOOL_MISSING', `java was not found. ${javaHint}`, {
      part: 'java',
      command: `${java} -version`,
    });
  }
  const major = Number(/version "(\d+)/.exec(result.output)?.[1] ?? 0);
  if (result.code !== 0 || major < 17) {
    throw new InfraError(
      'INFRA_TOOL_MISSING',
      `java 17+ is needed, found: ${result.output.split('\n')[0]}. ${javaHint}`,
      {
        part: 'java',
        command: `${java} -version`,
      },
    );
  }
  return java;
}

/**
 * Fetches a part's runtime from Maven Central into the cache (`goal`, an execution of
 * infra/local/pom.xml) unless `file`, one it fetches, is there already; fails naming the command
 * and its output.
 */
export async function fetchFromMaven(
  config: InfraConfig,
  part: string,
  goal: string,
  file: string,
): Promise<void> {
  if (existsSync(file)) return;
  const pomFile = join(config.rootDir, 'infra/local/pom.xml');
  const mvnArgs = ['-B', '-q', '-f', pomFile, goal, `-Dconveyor.cache=${config.cacheDir}`];
  let result: RunResult;
  try {
    result = await run('mvn', mvnArgs, { timeoutMs: 15 * 60_000 });
  } catch {
    throw new InfraError('INFRA_TOOL_MISSING', `mvn was not found. ${mavenHint}`, {
      part: 'mvn',
      command: 'mvn -v',
    });
  }
  if (result.code !== 0) {
    throw new InfraError('INFRA_FETCH_FAILED', 'could not fetch its runtime from Maven Central', {
      part,
      command: commandLine('mvn', mvnArgs),
      logTail: result.output.trimEnd().split('\n').slice(-20).join('\n'),
    });
  }
}

/**
 * JVM flags of a helper server (the registry, Zipkin): a bounded heap and the serial collector,
 * whose single GC thread leaves the cores to the services on a small machine.
 */
export function helperJvmFlags(minHeapMb: number, maxHeapMb: number): string[] {
  return [`-Xms${minHeapMb}m`, `-Xmx${maxHeapMb}m`, '-XX:+UseSerialGC'];
}
