// The arguments every scenario file is rendered with (Rally's Jinja2 `--task-args`). Scenario files adapt to the
// cloud through them: `services` lists what the catalog has, so a workload whose dependency is absent is left out.
import type { Config } from '../config.js';
import type { ServiceName } from '../services.js';

export function taskArgs(config: Config, _service: ServiceName, inCatalog: readonly ServiceName[]): Record<string, unknown> {
  return {
    iterations: config.iterations,
    concurrency: config.concurrency,
    services: inCatalog,
    flavor: config.novaFlavor,
    image: config.novaImage,
  };
}
