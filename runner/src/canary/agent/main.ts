// `rally-monitor canary serve`: the canary agent's process. Bad configuration stops it with one line on stderr and
// exit code 1; SIGTERM or SIGINT ends it after the probes in flight (each bounded by the probe timeout).
import { CanaryAgent, jsonLog } from './agent.js';
import { AgentConfigError, loadAgentConfig, type AgentConfig } from './config.js';

export async function canaryServe(env: Record<string, string | undefined> = process.env): Promise<number> {
  let config: AgentConfig;
  try {
    config = loadAgentConfig(env);
  } catch (error) {
    if (error instanceof AgentConfigError) {
      process.stderr.write(`rally-monitor canary: configuration error: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
  const agent = new CanaryAgent(config);
  try {
    await agent.listen();
  } catch (error) {
    process.stderr.write(
      `rally-monitor canary: cannot listen on ${config.listenAddress}:${config.port}: ${(error as Error).message}\n`
    );
    return 1;
  }
  agent.start();
  jsonLog('info', 'canary agent serving', {
    id: config.id,
    datacenter: config.datacenter,
    availabilityZone: config.availabilityZone,
    address: `${config.listenAddress}:${config.port}`,
    peers: config.peers.map((p) => p.endpoint),
    discoveryUrl: config.discoveryUrl,
    intervalSeconds: config.intervalSeconds,
    timeoutSeconds: config.timeoutSeconds,
  });
  const signal = await new Promise<string>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  jsonLog('info', 'stopping', { signal });
  await agent.stop();
  return 0;
}
