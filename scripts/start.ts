/**
 * `npm start`: brings the infra up, then keeps running until Ctrl-C / SIGTERM, when it stops
 * whatever it started itself (infra that was already running is left running).
 */
import { down, endpointEnv, isInfraError, loadInfraConfig, redact, up } from '@conveyor/infra-local';

async function main(): Promise<void> {
  const config = loadInfraConfig();
  console.log('Starting Conveyor infra (Kafka, schema registry, Postgres)...');
  const began = Date.now();
  const infra = await up(config);
  console.log(`\nInfra ready in ${((Date.now() - began) / 1000).toFixed(1)} s:`);
  for (const part of infra.parts) {
    console.log(
      `  ${part.name.padEnd(16)} ${redact(part.address)}  (${part.mode}${part.started ? ', started now' : ''})`,
    );
  }
  console.log('\nEnvironment for your own processes:');
  for (const [key, value] of Object.entries(endpointEnv(infra.endpoints)))
    console.log(`  export ${key}=${value}`);
  console.log('\nPress Ctrl-C to stop.');

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(
      `\n${signal}: stopping ${infra.startedNow.length ? infra.startedNow.join(', ') : 'nothing (all was already running)'}`,
    );
    await down(config, infra.startedNow);
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGHUP', () => void stop('SIGHUP'));
  setInterval(() => undefined, 1 << 30);
}

main().catch((error: unknown) => {
  console.error(isInfraError(error) ? `npm start failed:\n${error.message}` : error);
  process.exit(1);
});
