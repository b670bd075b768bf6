import type { GatewayOptions } from '../../src/options.ts';
import { type RunningGateway, startGateway } from './gateway-under-test.ts';
import { startUpstream, type UpstreamProcess } from './upstream-process.ts';

/** One echo upstream for each service the gateway routes to, each a process of its own. */
export interface EchoUpstreams {
  users: UpstreamProcess;
  orders: UpstreamProcess;
  inventory: UpstreamProcess;
  /** The gateway's `upstreams` option: one instance per service, these. */
  urls: { users: string[]; orders: string[]; inventory: string[] };
}

/** The echo upstreams with a gateway in front of them; `close()` stops the gateway, then them. */
export interface EchoGateway extends EchoUpstreams {
  gateway: RunningGateway;
  close(): Promise<void>;
}

/**
 * Starts the echo upstreams and a gateway on them with `options` (its upstreams are the echoes,
 * unless `options` names others from them).
 */
export async function startEchoGateway(
  options: (upstreams: EchoUpstreams) => GatewayOptions = () => ({}),
): Promise<EchoGateway> {
  const [users, orders, inventory] = await Promise.all([
    startUpstream('users'),
    startUpstream('orders'),
    startUpstream('inventory'),
  ]);
  const upstreams: EchoUpstreams = {
    users,
    orders,
    inventory,
    urls: { users: [users.url], orders: [orders.url], inventory: [inventory.url] },
  };
  const kill = () => Promise.all([users.kill(), orders.kill(), inventory.kill()]);
  try {
    const gateway = await startGateway({ upstreams: upstreams.urls, ...options(upstreams) });
    return {
      ...upstreams,
      gateway,
      async close() {
        await gateway.close();
        await kill();
      },
    };
  } catch (error) {
    await kill();
    throw error;
  }
}
