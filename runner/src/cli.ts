#!/usr/bin/env node
// rally-monitor: the command line. `canary serve`, the dataplane canary agent that runs on small canary VMs, loads
// only its own modules (Node's http and net, prom-client): 72 MiB resident at start, where the runner's modules
// made it 99 MiB. Every other command is the runner's (runner-cli.ts).
const argv = process.argv.slice(2);
if (argv[0] === 'canary' && argv[1] === 'serve') {
  const { canaryServe } = await import('./canary/agent/main.js');
  canaryServe().then(
    (code) => process.exit(code),
    (error: Error) => {
      process.stderr.write(`rally-monitor canary: ${error.message}\n`);
      process.exit(1);
    }
  );
} else {
  await import('./runner-cli.js');
}
